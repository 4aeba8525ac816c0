package io.livechannel.storage.s3;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import java.net.URI;

/**
 * A real S3 protocol server (S3Proxy, in memory) for tests. It can be stopped and started again on the same port
 * with the same contents, which is how the failure tests take "the S3 server" away mid-stream. Shipped in the
 * storage test-jar for the server's cluster tests.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private final BlobStore blobStore = new TransientNio2BlobStore();
    private S3Proxy proxy;
    private int port;

    public static S3ProxyServer start() throws Exception {
        S3ProxyServer server = new S3ProxyServer();
        server.startOn(0);
        return server;
    }

    private void startOn(int requestedPort) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.onSpinWait();
        }
        port = proxy.getPort();
    }

    /** Stops serving; requests fail with "connection refused" until {@link #restart()}. */
    void stop() throws Exception {
        proxy.stop();
    }

    /** Serves the same contents on the same port again. */
    void restart() throws Exception {
        startOn(port);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    S3StoreConfig config() {
        return S3StoreConfig.of(endpoint(), "us-east-1", ACCESS_KEY, SECRET_KEY, true);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
