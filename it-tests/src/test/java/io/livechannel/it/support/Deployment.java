package io.livechannel.it.support;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.ListObjectsRequest;
import com.aliyun.oss.model.OSSObjectSummary;
import com.aliyun.oss.model.ObjectListing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private S3ProxyServer s3;
    private final List<RunningServer> started = new ArrayList<>();
    private RunningServer server;
    private OSS oss;

    private final List<String> serverArgs;

    private Deployment(StoreBackend backend, Path dir, S3ProxyServer s3, List<String> serverArgs) {
        this.backend = backend;
        this.dir = dir;
        this.s3 = s3;
        this.serverArgs = serverArgs;
    }

    /**
     * Starts S3Proxy (for {@link StoreBackend#S3}) and the server, with everything kept under {@code dir};
     * {@code serverArgs} are added to the server's command line.
     */
    public static Deployment start(StoreBackend backend, Path dir, String... serverArgs) throws Exception {
        Ffmpeg.requireInstalled();
        S3ProxyServer s3 = backend == StoreBackend.S3 ? S3ProxyServer.start(dir.resolve("s3")) : null;
        Deployment deployment = new Deployment(backend, dir, s3, List.of(serverArgs));
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
        args.addAll(serverArgs);
        server = RunningServer.start(dir.resolve("data"), args.toArray(String[]::new));
        started.add(server);
        if (oss != null) {
            oss.shutdown();
        }
        oss = OssClients.v1(server.httpEndpoint(), AccessKey.SERVER);
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
        return oss;
    }

    public Optional<S3ProxyServer> s3() {
        return Optional.ofNullable(s3);
    }

    /** A push URL signed by the SDK, valid for {@code validFor} from now. */
    public String signedPushUrl(String bucket, String channel, String playlistName, Duration validFor) {
        long expires = Instant.now().plus(validFor).getEpochSecond();
        return oss.generateRtmpUri(bucket, channel, playlistName, expires);
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
        return server.httpEndpoint() + "/" + bucket + "/" + key;
    }

    /** An anonymous GET: the body on 200, empty on 404, an {@link AssertionError} on any other status. */
    public Optional<byte[]> getPublic(String bucket, String key) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(objectUrl(bucket, key)))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + bucket + "/" + key + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return Optional.of(response.body());
    }

    /** The playlist object parsed, or empty while it does not exist yet. */
    public Optional<MediaPlaylist> playlist(String bucket, String key) throws IOException, InterruptedException {
        return getPublic(bucket, key).map(b -> MediaPlaylist.parse(new String(b, StandardCharsets.UTF_8)));
    }

    /** Every object under {@code prefix} as the SDK lists it (ListObjects, all pages), sorted by key. */
    public List<OSSObjectSummary> listObjects(String bucket, String prefix) {
        List<OSSObjectSummary> all = new ArrayList<>();
        String marker = null;
        ObjectListing listing;
        do {
            listing = oss.listObjects(new ListObjectsRequest(bucket).withPrefix(prefix).withMarker(marker)
                    .withMaxKeys(1000));
            all.addAll(listing.getObjectSummaries());
            marker = listing.getNextMarker();
        } while (listing.isTruncated());
        all.sort(java.util.Comparator.comparing(OSSObjectSummary::getKey));
        return all;
    }

    /** The keys of the {@code .ts} objects under {@code <channel>/}, sorted (= in creation order). */
    public List<String> segmentKeys(String bucket, String channel) {
        return listObjects(bucket, channel + "/").stream().map(OSSObjectSummary::getKey)
                .filter(k -> k.endsWith(".ts")).toList();
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
        if (oss != null) {
            oss.shutdown();
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
