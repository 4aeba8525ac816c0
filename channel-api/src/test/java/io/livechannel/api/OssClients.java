package io.livechannel.api;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;

/** Official Java SDK clients against an {@link ApiTestServer}, per addressing style and signature version. */
public enum OssClients {
    PATH_STYLE_V1(false, SignVersion.V1),
    VIRTUAL_HOSTED_V1(true, SignVersion.V1),
    PATH_STYLE_V4(false, SignVersion.V4),
    VIRTUAL_HOSTED_V4(true, SignVersion.V4);

    private final boolean virtualHosted;
    private final SignVersion version;

    OssClients(boolean virtualHosted, SignVersion version) {
        this.virtualHosted = virtualHosted;
        this.version = version;
    }

    /** {@code http://127.0.0.1:<port>} (the SDK goes path-style) or {@code http://oss.lc.test:<port>}. */
    public String endpoint(int port) {
        return "http://" + (virtualHosted ? ApiTestServer.DOMAIN : "127.0.0.1") + ":" + port;
    }

    /** The authority the SDK addresses for bucket {@code examplebucket}. */
    public String bucketAuthority(int port) {
        return (virtualHosted ? ApiTestServer.BUCKET + "." + ApiTestServer.DOMAIN : "127.0.0.1") + ":" + port;
    }

    public boolean isVirtualHosted() {
        return virtualHosted;
    }

    public OSS client(int port) {
        return client(port, ApiTestServer.ACCESS_KEY_ID, ApiTestServer.ACCESS_KEY_SECRET);
    }

    public OSS client(int port, String keyId, String secret) {
        return client(port, keyId, secret, null);
    }

    /** @param securityToken an STS token the SDK signs into every request, or {@code null} */
    public OSS client(int port, String keyId, String secret, String securityToken) {
        ClientBuilderConfiguration conf = new ClientBuilderConfiguration();
        conf.setSignatureVersion(version);
        conf.setMaxErrorRetry(0);
        conf.setConnectionTimeout(5_000);
        conf.setSocketTimeout(10_000);
        return OSSClientBuilder.create().endpoint(endpoint(port))
                .credentialsProvider(securityToken == null ? new DefaultCredentialProvider(keyId, secret)
                        : new DefaultCredentialProvider(keyId, secret, securityToken))
                .clientConfiguration(conf).region("cn-hangzhou").build();
    }
}
