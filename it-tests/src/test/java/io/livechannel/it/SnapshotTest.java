package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.OSSObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.livechannel.it.support.AccessKey;
import io.livechannel.it.support.Concurrently;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Ffprobe;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.StoreBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshots (issue 26) as a user sees them: channels with a {@code <Snapshot>} (Interval 2) pushed by real ffmpeg
 * publishers of every H.264 profile at 360p and 720p, with a keyframe every 1 s and every 4 s, get one JPEG per
 * Interval window that held a keyframe, in their DestBucket (this bucket or another), each a JPEG of the stream's
 * size showing the frame stored in the TS segment (PSNR above 30 dB, both decoded by ffmpeg); a channel without
 * Snapshot gets none; a local webhook receives one signed notice per snapshot, and a webhook that is down disturbs
 * neither the snapshots nor the ingest.
 */
class SnapshotTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final Duration FFMPEG_TIMEOUT = Duration.ofSeconds(60);
    private static final String BUCKET = Deployment.BUCKET;
    private static final String THUMBS = "thumbs";
    private static final String SECRET = "snapshot-webhook-test-secret";
    private static final int INTERVAL_SECONDS = 2;
    private static final Duration PUSH = Duration.ofSeconds(9);
    private static final double MIN_PSNR_DB = 30;
    /** Channels checked at a time: beside the second wave's encoders, more would slow them below real time. */
    private static final int CHECK_THREADS = 2;
    private static final Pattern PSNR = Pattern.compile("average:([0-9.]+|inf)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One publisher and where its snapshots go. */
    record Case(String channel, Ffmpeg.Video video, String destBucket, String profile) {
    }

    private static final List<Case> CASES = List.of(
            new Case("baseline-360-1s", new Ffmpeg.Video("baseline", 640, 360, 25), BUCKET, "Baseline"),
            new Case("main-360-4s", new Ffmpeg.Video("main", 640, 360, 100), THUMBS, "Main"),
            new Case("high-360-1s", new Ffmpeg.Video("high", 640, 360, 25), THUMBS, "High"),
            new Case("baseline-720-4s", new Ffmpeg.Video("baseline", 1280, 720, 100), THUMBS, "Baseline"),
            new Case("main-720-1s", new Ffmpeg.Video("main", 1280, 720, 25), BUCKET, "Main"),
            new Case("high-720-4s", new Ffmpeg.Video("high", 1280, 720, 100), BUCKET, "High"));

    /** A notice the webhook received: its body and signature header. */
    record Notice(byte[] body, String signature) {
    }

    @Test
    void everyWindowWithAKeyframeGetsAJpegOfTheStoredFrameAndASignedNotice() throws Exception {
        List<Notice> notices = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                notices.add(new Notice(in.readAllBytes(), exchange.getRequestHeaders().getFirst(
                        "X-LiveChannel-Signature")));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir(), "--snapshot-webhook",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "--snapshot-webhook-secret", SECRET)) {
            OSS oss = deployment.oss();
            oss.createBucket(THUMBS);
            for (Case c : CASES) {
                putChannelWithSnapshot(deployment, c.channel(), c.destBucket(), INTERVAL_SECONDS);
            }
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, "plain", "", LiveChannelStatus.Enabled,
                    new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
            List<String> stored = pushAndCheckEveryCase(deployment);
            assertThat(deployment.listObjects(BUCKET, "plain/")).extracting(OSSObjectSummary::getKey)
                    .as("a channel without Snapshot").noneMatch(k -> k.endsWith(".jpg"));
            assertThat(deployment.listObjects(THUMBS, "plain/")).isEmpty();
            checkNotices(notices, stored);
            Case first = CASES.get(0);
            List<String> kept = jpegKeys(deployment, first.destBucket(), first.channel());
            oss.deleteLiveChannel(BUCKET, first.channel());
            assertThat(jpegKeys(deployment, first.destBucket(), first.channel())).as("after DeleteLiveChannel")
                    .isEqualTo(kept);
            oss.deleteObject(first.destBucket(), kept.get(0));
            assertThat(jpegKeys(deployment, first.destBucket(), first.channel())).as("after DeleteObject")
                    .isEqualTo(kept.subList(1, kept.size()));
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server").isEmpty();
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aWebhookThatIsDownDisturbsNeitherSnapshotsNorIngest() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed
        }
        Case c = new Case("no-receiver", new Ffmpeg.Video("high", 640, 360, 25), BUCKET, "High");
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir(), "--metrics-port", "0",
                "--snapshot-webhook", "http://127.0.0.1:" + closedPort + "/hook", "--snapshot-webhook-secret", SECRET)) {
            putChannelWithSnapshot(deployment, c.channel(), BUCKET, 1);
            try (Push push = Ffmpeg.push(deployment.signedPushUrl(BUCKET, c.channel(), "playlist.m3u8",
                    Duration.ofHours(1)), PUSH, run.testDir(), c.video())) {
                assertThat(push.awaitExit(PUSH.multipliedBy(4))).as("push; log:\n%s", push.log()).isZero();
            }
            MediaPlaylist finished = Polling.await("#EXT-X-ENDLIST", Duration.ofSeconds(20),
                    () -> deployment.playlist(BUCKET, c.channel() + "/playlist.m3u8"),
                    p -> p.isPresent() && p.get().hasEndList()).orElseThrow();
            assertThat(finished.totalDurationSeconds()).as("every second pushed is listed")
                    .isCloseTo(PUSH.toMillis() / 1000.0, within(1.0));
            List<String> jpegs = Polling.await("a snapshot per second", Duration.ofSeconds(20),
                    () -> jpegKeys(deployment, BUCKET, c.channel()), keys -> keys.size() >= PUSH.toSeconds() - 1);
            long retried = Polling.await("failed notices retried", Duration.ofSeconds(20),
                    () -> deployment.server().metric("livechannel_snapshot_notices_total", "result=\"retried\""),
                    n -> n > 0);
            assertThat(retried).isPositive();
            assertThat(deployment.server().metric("livechannel_snapshot_notices_total", "result=\"delivered\""))
                    .isZero();
            assertThat(deployment.server().metric("livechannel_snapshots_total", "result=\"stored\""))
                    .isEqualTo(jpegs.size());
            assertThat(deployment.serverLogLines("refused")).as("refused writes").isEmpty();
        }
    }

    /**
     * Pushes the cases in two waves of at most four encoders, so that a 2-core machine keeps them near real time,
     * and checks each case's snapshots once its wave has ended: the first wave's checks (ffmpeg decoding stored
     * files, in no real time) run while the second wave pushes. Returns every snapshot as {@code bucket/key}.
     */
    private static List<String> pushAndCheckEveryCase(Deployment deployment) throws Exception {
        ExecutorService checker = Executors.newFixedThreadPool(CHECK_THREADS);
        try {
            List<Future<List<String>>> checks = new ArrayList<>();
            List<Case> firstWave = CASES.subList(0, 3);
            for (List<Case> wave : List.of(firstWave, CASES.subList(3, CASES.size()))) {
                pushWave(deployment, wave, wave == firstWave);
                for (Case c : wave) {
                    checks.add(checker.submit(() -> checkSnapshots(deployment, c)));
                }
            }
            List<String> stored = new ArrayList<>();
            for (Future<List<String>> check : checks) {
                stored.addAll(Concurrently.result(check));
            }
            return stored;
        } finally {
            checker.shutdownNow();
        }
    }

    /** Pushes the cases' streams (and, with {@code plain}, the default stream to "plain") at once; waits for all. */
    private static void pushWave(Deployment deployment, List<Case> cases, boolean plain) throws Exception {
        List<Push> pushes = new ArrayList<>();
        try {
            for (Case c : cases) {
                pushes.add(Ffmpeg.push(deployment.signedPushUrl(BUCKET, c.channel(), "playlist.m3u8",
                        Duration.ofHours(1)), PUSH, run.testDir().resolve(c.channel()), c.video()));
            }
            if (plain) {
                pushes.add(Ffmpeg.push(deployment.signedPushUrl(BUCKET, "plain", "playlist.m3u8", Duration.ofHours(1)),
                        PUSH, run.testDir().resolve("plain")));
            }
            for (Push push : pushes) {
                assertThat(push.awaitExit(PUSH.multipliedBy(4))).as("push; log:\n%s", push.log()).isZero();
            }
        } finally {
            for (Push push : pushes) {
                push.close();
            }
        }
    }

    /**
     * Checks one channel's snapshots against its stored segments; returns their keys as {@code bucket/key}.
     * The expected snapshots are the first keyframe of each Interval window, counted from the first keyframe.
     */
    private static List<String> checkSnapshots(Deployment deployment, Case c) throws Exception {
        String playlistKey = c.channel() + "/playlist.m3u8";
        Polling.await(playlistKey + " ended", Duration.ofSeconds(20), () -> deployment.playlist(BUCKET, playlistKey),
                p -> p.isPresent() && p.get().hasEndList());
        Path dir = Files.createDirectories(run.testDir().resolve(c.channel()));
        Map<Long, Keyframe> firstOfWindow = new LinkedHashMap<>();
        Double origin = null;
        for (String key : deployment.segmentKeys(BUCKET, c.channel())) {
            Path segment = dir.resolve(key.substring(key.indexOf('/') + 1));
            Files.write(segment, deployment.getPublic(BUCKET, key).orElseThrow());
            for (Ffprobe.PacketInfo packet : Ffprobe.packets(segment.toString(), "v")) {
                if (packet.isKeyframe()) {
                    origin = origin == null ? packet.ptsSeconds() : origin;
                    long window = (long) Math.floor((packet.ptsSeconds() - origin + 1e-6) / INTERVAL_SECONDS);
                    firstOfWindow.putIfAbsent(window, new Keyframe(segment, packet.ptsSeconds()));
                }
            }
        }
        Ffprobe.StreamInfo stream = Ffprobe.probe(firstOfWindow.values().iterator().next().segment().toString())
                .stream("video");
        assertThat(stream.profile()).as("profile of %s", c.channel()).contains(c.profile());
        List<Keyframe> expected = List.copyOf(firstOfWindow.values());
        List<String> keys = Polling.await(c.channel() + "'s snapshots", Duration.ofSeconds(20),
                () -> jpegKeys(deployment, c.destBucket(), c.channel()), k -> k.size() >= expected.size());
        assertThat(keys).as("snapshots of %s: one per window with a keyframe (%s)", c.channel(), firstOfWindow.keySet())
                .hasSize(expected.size());
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Path jpeg = dir.resolve("snapshot-" + i + ".jpg");
            try (OSSObject object = deployment.oss().getObject(c.destBucket(), keys.get(i))) {
                assertThat(object.getObjectMetadata().getContentType()).isEqualTo("image/jpeg");
                Files.write(jpeg, object.getObjectContent().readAllBytes());
            }
            Ffprobe.StreamInfo picture = Ffprobe.probe(jpeg.toString()).stream("video");
            assertThat(picture.codecName()).isEqualTo("mjpeg");
            assertThat(List.of(picture.width(), picture.height())).as("size of %s", keys.get(i))
                    .containsExactly(c.video().width(), c.video().height());
            assertThat(psnr(jpeg, expected.get(i), dir.resolve("frame-" + i + ".png")))
                    .as("PSNR of %s against the frame at %.3f s of %s", keys.get(i), expected.get(i).ptsSeconds(),
                            expected.get(i).segment().getFileName())
                    .isGreaterThan(MIN_PSNR_DB);
            stored.add(c.destBucket() + "/" + keys.get(i));
        }
        return stored;
    }

    /** A keyframe of a stored segment. */
    record Keyframe(Path segment, double ptsSeconds) {
    }

    private static List<String> jpegKeys(Deployment deployment, String bucket, String channel) {
        return deployment.listObjects(bucket, channel + "/").stream().map(OSSObjectSummary::getKey)
                .filter(k -> k.endsWith(".jpg")).toList();
    }

    /** The frame decoded by ffmpeg from the segment, then the PSNR of the JPEG against it (both as RGB). */
    private static double psnr(Path jpeg, Keyframe frame, Path png) throws Exception {
        Ffmpeg.run(List.of("ffmpeg", "-v", "error", "-nostdin", "-copyts", "-i", frame.segment().toString(), "-vf",
                String.format(Locale.ROOT, "select=gte(t\\,%.4f)", frame.ptsSeconds() - 0.0005), "-frames:v", "1",
                png.toString()), png.resolveSibling(png.getFileName() + ".log"), FFMPEG_TIMEOUT);
        String log = Ffmpeg.run(List.of("ffmpeg", "-nostdin", "-i", jpeg.toString(), "-i", png.toString(), "-lavfi",
                "[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]psnr", "-f", "null", "-"),
                jpeg.resolveSibling(jpeg.getFileName() + ".psnr.log"), FFMPEG_TIMEOUT);
        Matcher m = PSNR.matcher(log);
        assertThat(m.find()).as("psnr output:\n%s", log).isTrue();
        return m.group(1).equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
    }

    private static void checkNotices(List<Notice> notices, List<String> stored) throws Exception {
        Polling.await("a notice per snapshot", Duration.ofSeconds(20), notices::size, n -> n >= stored.size());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        List<String> announced = new ArrayList<>();
        for (Notice notice : notices) {
            assertThat(notice.signature()).as("signature of %s", new String(notice.body(), StandardCharsets.UTF_8))
                    .isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(notice.body())));
            JsonNode body = JSON.readTree(notice.body());
            Case c = CASES.stream().filter(k -> k.channel().equals(body.path("channel").asText())).findFirst()
                    .orElseThrow();
            assertThat(body.path("bucket").asText()).isEqualTo(c.destBucket());
            assertThat(body.path("channelBucket").asText()).isEqualTo(BUCKET);
            assertThat(body.path("key").asText()).startsWith(c.channel() + "/").endsWith(".jpg");
            assertThat(body.path("notifyTopic").asText()).isEqualTo("topic-" + c.channel());
            assertThat(List.of(body.path("width").asInt(), body.path("height").asInt()))
                    .containsExactly(c.video().width(), c.video().height());
            assertThat(Instant.parse(body.path("time").asText())).isBefore(Instant.now());
            announced.add(body.path("bucket").asText() + "/" + body.path("key").asText());
        }
        assertThat(announced).containsExactlyInAnyOrderElementsOf(stored);
    }

    /**
     * PutLiveChannel with a Snapshot, as the Go SDK sends it (the Java SDK has no Snapshot), signed with OSS
     * signature V1 ({@code Authorization: OSS id:base64(HMAC-SHA1(secret, string to sign))}).
     */
    static void putChannelWithSnapshot(Deployment deployment, String channel, String destBucket, int interval)
            throws Exception {
        String body = "<LiveChannelConfiguration><Description>snapshots</Description><Status>enabled</Status>"
                + "<Target><Type>HLS</Type><FragDuration>2</FragDuration><FragCount>10</FragCount>"
                + "<PlaylistName>playlist.m3u8</PlaylistName></Target><Snapshot><RoleName>role</RoleName>"
                + "<DestBucket>" + destBucket + "</DestBucket><NotifyTopic>topic-" + channel + "</NotifyTopic>"
                + "<Interval>" + interval + "</Interval></Snapshot></LiveChannelConfiguration>";
        String date = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String resource = "/" + BUCKET + "/" + channel + "?live";
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(AccessKey.SERVER.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(
                ("PUT\n\napplication/xml\n" + date + "\n" + resource).getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(deployment.server().httpEndpoint() + resource))
                .header("Content-Type", "application/xml").header("Date", date)
                .header("Authorization", "OSS " + AccessKey.SERVER.id() + ":" + signature)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PutLiveChannel %s: %s", channel, response.body()).isEqualTo(200);
    }
}
