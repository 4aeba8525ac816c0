package io.livechannel.it.support;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;

/**
 * The official Alibaba Cloud OSS Java SDK ({@code com.aliyun.oss:aliyun-sdk-oss}), built exactly as its users
 * build it, against {@code http://127.0.0.1:<port>}: the SDK then uses path-style addressing and signs
 * {@code rtmp://127.0.0.1:<port>/live/<channel>} push URLs (wire spec §2.1, §6). The SDK's own retries stay on
 * (default 3 on 5xx and connection errors), as a user would have them; timeouts are short so that a dead
 * server fails a test in seconds rather than minutes. Callers shut the client down.
 */
public final class OssClients {
    private static final int CONNECTION_TIMEOUT_MILLIS = 5_000;
    private static final int SOCKET_TIMEOUT_MILLIS = 20_000;

    private OssClients() {
    }

    /** Signature V1 ({@code Authorization: OSS id:signature}), the SDK's default. */
    public static OSS v1(String endpoint, AccessKey key) {
        return build(endpoint, key, configuration(SignVersion.V1));
    }

    /**
     * Signature V1 without the SDK's retries, for a test that must see each answer (a 503 while the catalog is
     * down) rather than the last of several attempts.
     */
    public static OSS v1WithoutRetries(String endpoint, AccessKey key) {
        ClientBuilderConfiguration configuration = configuration(SignVersion.V1);
        configuration.setMaxErrorRetry(0);
        return build(endpoint, key, configuration);
    }

    private static OSS build(String endpoint, AccessKey key, ClientBuilderConfiguration configuration) {
        return OSSClientBuilder.create()
                .endpoint(endpoint)
                .credentialsProvider(new DefaultCredentialProvider(key.id(), key.secret()))
                .clientConfiguration(configuration)
                .build();
    }

    /** Signature V4 ({@code OSS4-HMAC-SHA256}); the SDK needs a region for the scope. */
    public static OSS v4(String endpoint, AccessKey key, String region) {
        return OSSClientBuilder.create()
                .endpoint(endpoint)
                .credentialsProvider(new DefaultCredentialProvider(key.id(), key.secret()))
                .clientConfiguration(configuration(SignVersion.V4))
                .region(region)
                .build();
    }

    private static ClientBuilderConfiguration configuration(SignVersion version) {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setSignatureVersion(version);
        configuration.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        configuration.setSocketTimeout(SOCKET_TIMEOUT_MILLIS);
        return configuration;
    }
}
