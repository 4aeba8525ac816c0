package io.livechannel.it.support;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.OSSObjectSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The product as a user deploys it: the server jar on a chosen {@link StoreBackend} (with S3Proxy started first
 * for S3), the bootstrap key {@link AccessKey#SERVER}, the default bucket {@value #BUCKET} made
 * {@code public-read} so that players (ffmpeg) read HLS anonymously, and an SDK client for the owner.
 * The server can be stopped, killed and started again on the same data dir and the same S3.
 */
public final class Deployment implements AutoCloseable {
    /** The default bucket the server creates on first start. */
    public static final String BUCKET = "live";

    private final StoreBackend backend;
    private final Path dir;
    private final List<String> extraServerArgs;
    private S3ProxyServer s3;
    private final List<RunningServer> started = new ArrayList<>();
    private RunningServer server;
    private ServerClient client;

    private Deployment(StoreBackend backend, Path dir, S3ProxyServer s3, List<String> extraServerArgs) {
        this.backend = backend;
        this.dir = dir;
        this.s3 = s3;
        this.extraServerArgs = List.copyOf(extraServerArgs);
    }

    /**
     * Starts S3Proxy (for {@link StoreBackend#S3}) and the server, with everything kept under {@code dir};
     * {@code extraServerArgs} go to every start of the server.
     */
    public static Deployment start(StoreBackend backend, Path dir, String... extraServerArgs) throws Exception {
        Ffmpeg.requireInstalled();
        S3ProxyServer s3 = backend == StoreBackend.S3 ? S3ProxyServer.start(dir.resolve("s3")) : null;
        Deployment deployment = new Deployment(backend, dir, s3, List.of(extraServerArgs));
        try {
            deployment.startServer();
        } catch (Exception | AssertionError e) {
            deployment.close();
            throw e;
        }
        return deployment;
    }

    /** Starts the server again on the same data dir (after {@link #stopServer()} or {@link #killServer()}). */
    public void startServer() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--access-key-id", AccessKey.SERVER.id(),
                "--access-key-secret", AccessKey.SERVER.secret(), "--bucket", BUCKET, "--bucket-acl", "public-read"));
        if (s3 != null) {
            args.addAll(s3.serverArgs());
        } else {
            args.addAll(List.of("--store", "filesystem"));
        }
        args.addAll(extraServerArgs);
        server = RunningServer.start(dir.resolve("data"), args.toArray(String[]::new));
        started.add(server);
        if (client != null) {
            client.close();
        }
        client = new ServerClient(server.httpEndpoint());
    }

    /** SIGTERM; returns the exit code. */
    public int stopServer() throws IOException, InterruptedException {
        return server.stop();
    }

    /** SIGKILL, as a crash or the OOM killer would. */
    public void killServer() throws InterruptedException {
        server.kill();
    }

    /** Stops S3Proxy (the server's S3 becomes unreachable). */
    public void stopS3() throws Exception {
        s3.close();
    }

    /** A new S3Proxy on the same port and directory. */
    public void restartS3() throws Exception {
        s3 = s3.restart();
    }

    public StoreBackend backend() {
        return backend;
    }

    public RunningServer server() {
        return server;
    }

    /** The owner's SDK client (signature V1) for the running server; replaced on every server start. */
    public OSS oss() {
        return client.oss();
    }

    public Optional<S3ProxyServer> s3() {
        return Optional.ofNullable(s3);
    }

    /** A push URL signed by the SDK, valid for {@code validFor} from now. */
    public String signedPushUrl(String bucket, String channel, String playlistName, Duration validFor) {
        return client.signedPushUrl(bucket, channel, playlistName, validFor);
    }

    /** {@code url} (which the SDK built with the HTTP port) sent to the dedicated RTMP port instead. */
    public String onRtmpPort(String url) {
        String httpAuthority = "127.0.0.1:" + server.httpPort() + "/";
        if (!url.contains(httpAuthority)) {
            throw new AssertionError("push URL does not name the HTTP endpoint 127.0.0.1:" + server.httpPort());
        }
        return url.replace(httpAuthority, "127.0.0.1:" + server.rtmpPort() + "/");
    }

    /** The anonymous (unsigned) URL of an object, as a player of a public-read bucket uses it. */
    public String objectUrl(String bucket, String key) {
        return client.objectUrl(bucket, key);
    }

    /** An anonymous GET: the body on 200, empty on 404, an {@link AssertionError} on any other status. */
    public Optional<byte[]> getPublic(String bucket, String key) throws IOException, InterruptedException {
        return client.getPublic(bucket, key);
    }

    /** The playlist object parsed, or empty while it does not exist yet. */
    public Optional<MediaPlaylist> playlist(String bucket, String key) throws IOException, InterruptedException {
        return client.playlist(bucket, key);
    }

    /** Every object under {@code prefix} as the SDK lists it (ListObjects, all pages), sorted by key. */
    public List<OSSObjectSummary> listObjects(String bucket, String prefix) {
        return client.listObjects(bucket, prefix);
    }

    /** The keys of the {@code .ts} objects under {@code <channel>/}, sorted (= in creation order). */
    public List<String> segmentKeys(String bucket, String channel) {
        return client.segmentKeys(bucket, channel);
    }

    /**
     * The lines of every server run's log (this deployment may have restarted it) that contain {@code marker},
     * e.g. {@code " ERROR "} or Netty's leak report {@code "LEAK:"}.
     */
    public List<String> serverLogLines(String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        for (RunningServer run : started) {
            run.stderr().stream().filter(l -> l.contains(marker)).forEach(lines::add);
        }
        return lines;
    }

    @Override
    public void close() throws Exception {
        if (client != null) {
            client.close();
        }
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }
}
