package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.ObjectMetadata;
import io.livechannel.it.support.AccessKey;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.OssClients;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.RunningServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Private playback (issue 25) as a new user meets it: the server on its defaults (bucket {@code live}, private),
 * {@code push-url} from the same jar, ffmpeg pushing, and ffmpeg's HLS demuxer playing the printed play URL, an
 * {@code x-oss-process=hls/sign} URL, live to its end. Then the URLs ali-oss (the official Node SDK) signs with
 * {@code process: 'hls/sign'}, V1 and V4, used unmodified.
 */
class PrivatePlaybackTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final Duration PUSH = Duration.ofSeconds(16);
    private static final Pattern OPENING = Pattern.compile("Opening '([^']+)' for reading");

    @Test
    void thePrintedPlayUrlOfAPrivateChannelPlaysLiveToTheEndWithEverySegmentSigned() throws Exception {
        Ffmpeg.requireInstalled();
        Path dataDir = run.testDir().resolve("data");
        try (RunningServer server = RunningServer.start(dataDir)) {
            assertThat(server.stdout()).anyMatch(l -> l.contains("bucket       live (private)"))
                    .anyMatch(l -> l.contains("play URL") && l.contains("x-oss-process=hls/sign"));
            List<String> printed = pushUrl(server, "cam1");
            String pushUrl = line(printed, "push URL  ");
            String playUrl = line(printed, "play URL  ");
            assertThat(playUrl).startsWith("http://127.0.0.1:" + server.httpPort() + "/live/cam1/playlist.m3u8?")
                    .contains("x-oss-process=hls%2Fsign");
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, playUrl.substring(0, playUrl.indexOf('?'))).statusCode())
                    .as("the unsigned playlist URL of a private bucket").isEqualTo(403);

            List<String> player;
            try (Push push = Ffmpeg.push(pushUrl, PUSH, run.testDir())) {
                Polling.await("the signed playlist to list a segment", Duration.ofSeconds(30),
                        () -> get(http, playUrl), r -> r.statusCode() == 200 && r.body().contains(".ts?"));
                player = play(playUrl, PUSH.plusSeconds(60));
                assertThat(push.awaitExit(Duration.ofSeconds(30))).as("ffmpeg push; log:\n%s", push.log()).isZero();
            }

            List<String> opened = player.stream().map(OPENING::matcher).filter(Matcher::find)
                    .map(m -> m.group(1)).filter(u -> u.contains(".ts")).toList();
            assertThat(opened).as("segments the player opened").hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(u -> assertThat(u).contains("OSSAccessKeyId=").contains("Signature="));
            List<String> openedKeys = opened.stream().map(u -> URI.create(u).getPath().substring("/live/".length()))
                    .toList();
            assertThat(storedSegments(server, dataDir)).as("the player joined live and played every segment from "
                    + "there to the last").endsWith(openedKeys.toArray(String[]::new));
        }
    }

    @Test
    void urlsAliOssSignsWithProcessHlsSignPlayUnmodified() throws Exception {
        Path dataDir = run.testDir().resolve("data");
        try (RunningServer server = RunningServer.start(dataDir, "--access-key-id", AccessKey.SERVER.id(),
                "--access-key-secret", AccessKey.SERVER.secret())) {
            OSS oss = OssClients.v1(server.httpEndpoint(), AccessKey.SERVER);
            try {
                put(oss, "cam2/playlist.m3u8", "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
                        + "#EXTINF:2.000,\n1.ts\n#EXTINF:2.000,\n2.ts\n#EXT-X-ENDLIST\n");
                put(oss, "cam2/1.ts", "first segment");
                put(oss, "cam2/2.ts", "second segment");
            } finally {
                oss.shutdown();
            }
            // ali-oss refuses IP endpoints; it addresses http://live.localhost:<port>, which does not resolve
            // here: the client goes through the server as its proxy, so the URL is sent exactly as signed.
            HttpClient viaServer = HttpClient.newBuilder()
                    .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", server.httpPort()))).build();
            List<String> urls = aliOssUrls("http://localhost:" + server.httpPort(), "cam2/playlist.m3u8");
            assertThat(urls).hasSize(2);
            for (String url : urls) {
                HttpResponse<String> playlist = get(viaServer, url);
                assertThat(playlist.statusCode()).as(url).isEqualTo(200);
                assertThat(playlist.headers().firstValue("Cache-Control")).hasValue("no-cache");
                List<String> uris = playlist.body().lines().filter(l -> !l.startsWith("#")).toList();
                assertThat(uris).hasSize(2);
                List<String> bodies = new ArrayList<>();
                for (String uri : uris) {
                    HttpResponse<String> segment = get(viaServer, URI.create(url).resolve(uri).toString());
                    assertThat(segment.statusCode()).as(uri).isEqualTo(200);
                    bodies.add(segment.body());
                }
                assertThat(bodies).containsExactly("first segment", "second segment");
            }
        }
    }

    /** Runs {@code java -jar <server jar> push-url <channel>} against the running server's data dir and ports. */
    private static List<String> pushUrl(RunningServer server, String channel) throws Exception {
        Path out = run.testDir().resolve("push-url.out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RunningServer.jar().toString(), "push-url", channel, "--data-dir", server.dataDir().toString(),
                "--domain", "127.0.0.1", "--http-port", Integer.toString(server.httpPort()),
                "--rtmp-port", Integer.toString(server.rtmpPort()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("push-url finished").isTrue();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("push-url exit; output %s", lines).isZero();
        return lines;
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in " + lines))
                .substring(prefix.length()).trim();
    }

    /** ffmpeg's HLS demuxer plays {@code url} to its end (decoding into nothing); its log lines, every URL opened. */
    private static List<String> play(String url, Duration timeout) throws IOException, InterruptedException {
        Path log = run.testDir().resolve("ffmpeg-play.log");
        Process process = Ffmpeg.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "level+verbose",
                "-i", url, "-f", "null", "-"), log);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("ffmpeg did not play to the end within " + timeout + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("ffmpeg playing the signed URL; log %s", lines).isZero();
        assertThat(lines).as("errors while playing").noneMatch(l -> l.contains("[error]") || l.contains("[fatal]"));
        return lines;
    }

    /** The channel's stored segment keys in order, as the owner lists them with the bootstrap key. */
    private static List<String> storedSegments(RunningServer server, Path dataDir) throws IOException {
        Properties key = new Properties();
        key.load(new StringReader(Files.readString(dataDir.resolve("access-key.properties"))));
        OSS oss = OssClients.v1(server.httpEndpoint(), new AccessKey(key.getProperty("access-key-id"),
                key.getProperty("access-key-secret")));
        try {
            return oss.listObjects("live", "cam1/").getObjectSummaries().stream().map(s -> s.getKey())
                    .filter(k -> k.endsWith(".ts")).sorted().toList();
        } finally {
            oss.shutdown();
        }
    }

    private static void put(OSS oss, String key, String content) {
        ObjectMetadata meta = new ObjectMetadata();
        oss.putObject("live", key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), meta);
    }

    /**
     * The V1 and V4 URLs {@code src/test/node/sign-hls-urls.js} prints with ali-oss. Needs node and the SDK:
     * {@code npm ci --prefix it-tests/src/test/node} (fails, never skips, without them).
     */
    private static List<String> aliOssUrls(String endpoint, String key) throws Exception {
        Path script = Path.of("src/test/node/sign-hls-urls.js").toAbsolutePath();
        if (!Files.isDirectory(script.resolveSibling("node_modules").resolve("ali-oss"))) {
            throw new IllegalStateException("ali-oss is not installed: run `npm ci --prefix it-tests/src/test/node`"
                    + " (needs node 18+ and npm) before `./mvnw verify`");
        }
        Path out = run.testDir().resolve("ali-oss.out");
        Process process = new ProcessBuilder("node", script.toString(), endpoint, "live", key,
                AccessKey.SERVER.id(), AccessKey.SERVER.secret(), "600")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("node sign-hls-urls.js; output %s", lines).isZero();
        return lines;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
