package io.livechannel.it.support;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * S3Proxy running inside the test JVM on {@code 127.0.0.1}, path-style, AWS signature V2 or V4 with
 * {@link #key()}, keeping objects as files under a base directory (one directory per bucket). For an outage, a
 * test {@link #close() stops} it and {@link #restart() starts a new one} on the same port and directory, so the
 * server under test sees the same endpoint come back with the same data.
 */
public final class S3ProxyServer implements AutoCloseable {
    private static final AccessKey KEY = new AccessKey("s3-it-access", "s3-it-secret-not-for-logs");

    private final Path baseDir;
    private final S3Proxy proxy;
    private final int port;

    private S3ProxyServer(Path baseDir, S3Proxy proxy, int port) {
        this.baseDir = baseDir;
        this.proxy = proxy;
        this.port = port;
    }

    /** Starts on a free port with objects under {@code baseDir}. */
    public static S3ProxyServer start(Path baseDir) throws Exception {
        return start(baseDir, 0);
    }

    private static S3ProxyServer start(Path baseDir, int port) throws Exception {
        Files.createDirectories(baseDir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(baseDir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY.id(), KEY.secret())
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new S3ProxyServer(baseDir, proxy, proxy.getPort());
    }

    /** A new S3Proxy on the same port and directory (call after {@link #close()}). */
    public S3ProxyServer restart() throws Exception {
        return start(baseDir, port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public AccessKey key() {
        return KEY;
    }

    public Path baseDir() {
        return baseDir;
    }

    /** The server options that point the server under test at this S3 ({@code --store s3 ...}). */
    public List<String> serverArgs() {
        return List.of("--store", "s3", "--s3-endpoint", endpoint(), "--s3-region", "us-east-1",
                "--s3-access-key-id", KEY.id(), "--s3-secret-access-key", KEY.secret(), "--s3-path-style", "true");
    }

    /**
     * The keys stored in {@code bucket} under {@code prefix}, read straight from S3Proxy's directory (not through
     * the server under test), sorted.
     */
    public List<String> objectKeys(String bucket, String prefix) throws IOException {
        Path bucketDir = baseDir.resolve(bucket);
        if (!Files.isDirectory(bucketDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(bucketDir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> bucketDir.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .toList();
        }
    }

    /**
     * The object {@code bucket/key} as S3Proxy stores it (read from its file, not through the server under test;
     * S3Proxy replaces a file by an atomic move, so a read sees one whole version), or empty if absent.
     */
    public Optional<String> objectText(String bucket, String key) throws IOException {
        try {
            return Optional.of(Files.readString(baseDir.resolve(bucket).resolve(key), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Stops S3Proxy; connections to its port are refused until {@link #restart()}. */
    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
