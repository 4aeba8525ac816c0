package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.ListObjectsRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.OSSObjectSummary;
import io.livechannel.storage.PutOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each LiveChannel validation rule (livechannel.md "Model", wire spec §3) refused with its documented code, and
 * object keys, channel names and header values with control characters refused without a 5xx.
 */
class ValidationErrorsTest {
    static final String BUCKET = ApiTestServer.BUCKET;

    @TempDir
    Path dir;
    ApiTestServer server;
    OSS oss;
    RawHttp http;

    @BeforeEach
    void start() throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        oss = OssClients.PATH_STYLE_V1.client(server.port());
        http = new RawHttp(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        oss.shutdown();
        server.close();
    }

    private static void assertCode(ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OSSException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(code));
    }

    private CreateLiveChannelRequest channel(String name, String description, LiveChannelTarget target) {
        return new CreateLiveChannelRequest(BUCKET, name, description, LiveChannelStatus.Enabled, target);
    }

    private RawHttp.Answer putConfig(String name, String xml) throws Exception {
        return http.signed("PUT", "/examplebucket/" + name + "?live", xml.getBytes(StandardCharsets.UTF_8),
                Instant.now());
    }

    @Test
    void descriptionOver128BytesIsInvalidArgument() {
        assertCode(() -> oss.createLiveChannel(channel("ch", "x".repeat(129), new LiveChannelTarget())),
                "InvalidArgument");
        assertThat(oss.createLiveChannel(channel("ch", "é".repeat(64), new LiveChannelTarget())).getPlayUrls())
                .hasSize(1);
        assertCode(() -> oss.createLiveChannel(channel("ch2", "é".repeat(64) + "x", new LiveChannelTarget())),
                "InvalidArgument");
    }

    @Test
    void fragDurationAndFragCountOutsideOneToHundredAreInvalidArgument() {
        assertCode(() -> oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 0, 3, "p.m3u8"))),
                "InvalidArgument");
        assertCode(() -> oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 101, 3, "p.m3u8"))),
                "InvalidArgument");
        assertCode(() -> oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 5, 101, "p.m3u8"))),
                "InvalidArgument");
        oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 100, 100, "p1.m3u8")));
        assertThat(oss.getLiveChannelInfo(BUCKET, "ch").getTarget().getFragCount()).isEqualTo(100);
    }

    @Test
    void fragDurationWithoutFragCountIsRefusedAndBothAbsentGiveDefaults() throws Exception {
        RawHttp.Answer one = putConfig("ch", "<LiveChannelConfiguration><Target><Type>HLS</Type>"
                + "<FragDuration>4</FragDuration></Target></LiveChannelConfiguration>");
        assertThat(one.status()).isEqualTo(400);
        assertThat(one.body()).contains("<Code>InvalidArgument</Code>").contains("together");

        RawHttp.Answer none = putConfig("ch", "<LiveChannelConfiguration><Target><Type>HLS</Type></Target>"
                + "</LiveChannelConfiguration>");
        assertThat(none.status()).isEqualTo(200);
        assertThat(oss.getLiveChannelInfo(BUCKET, "ch").getTarget().getFragDuration()).isEqualTo(5);
        assertThat(oss.getLiveChannelInfo(BUCKET, "ch").getTarget().getFragCount()).isEqualTo(3);
        assertThat(oss.getLiveChannelInfo(BUCKET, "ch").getTarget().getPlaylistName()).isEqualTo("playlist.m3u8");
    }

    @Test
    void playlistNameMustEndInM3u8AndBeSixTo128Bytes() {
        for (String bad : new String[] {"playlist.m3u", ".m3u8", "x".repeat(124) + ".m3u8", "a/b.m3u8"}) {
            assertCode(() -> oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 5, 3, bad))),
                    "InvalidArgument");
        }
        oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 5, 3, "x".repeat(123) + ".m3u8")));
        oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("HLS", 5, 3, "a.m3u8")));
    }

    @Test
    void targetTypeOtherThanHlsIsInvalidArgument() {
        assertCode(() -> oss.createLiveChannel(channel("ch", "", new LiveChannelTarget("DASH", 5, 3, "p.m3u8"))),
                "InvalidArgument");
    }

    @Test
    void channelNameWithSlashIsInvalidArgument() {
        assertCode(() -> oss.createLiveChannel(channel("a/b", "", new LiveChannelTarget())), "InvalidArgument");
    }

    @Test
    void unescapedAmpersandFromTheJavaSdkIsMalformedXml() throws Exception {
        assertCode(() -> oss.createLiveChannel(channel("ch", "rock & roll", new LiveChannelTarget())), "MalformedXML");
        RawHttp.Answer empty = putConfig("ch", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("<Code>MalformedXML</Code>");
        RawHttp.Answer garbage = putConfig("ch", "<LiveChannelConfiguration><Target>");
        assertThat(garbage.body()).contains("<Code>MalformedXML</Code>");
    }

    static String snapshotConfig(String destBucket) {
        return "<LiveChannelConfiguration><Target><Type>HLS</Type></Target><Snapshot><RoleName>r</RoleName>"
                + destBucket + "<NotifyTopic>t</NotifyTopic><Interval>2</Interval></Snapshot></LiveChannelConfiguration>";
    }

    @Test
    void aSnapshotDestBucketThatIsNotABucketHereIsInvalidArgumentAndStatSaysWhetherSnapshotsAreTaken() throws Exception {
        for (String dest : List.of("<DestBucket>no-such-bucket</DestBucket>", "<DestBucket></DestBucket>", "")) {
            RawHttp.Answer a = putConfig("ch", snapshotConfig(dest));
            assertThat(a.status()).as(dest).isEqualTo(400);
            assertThat(a.body()).contains("<Code>InvalidArgument</Code>").contains("Snapshot/DestBucket");
        }
        assertThatThrownBy(() -> oss.getLiveChannelInfo(BUCKET, "ch")).isInstanceOf(OSSException.class);
        assertThat(putConfig("ch", snapshotConfig("<DestBucket>" + BUCKET + "</DestBucket>")).status()).isEqualTo(200);
        RawHttp.Answer stat = http.signed("GET", "/examplebucket/ch?live&comp=stat", null, Instant.now());
        assertThat(stat.body().replaceAll(">\\s+<", "><")).contains("<Status>Idle</Status>")
                .contains("<Snapshot><Status>On</Status></Snapshot>");
        server.snapshotsOff = "no FFmpeg build for the platform linux-riscv64";
        stat = http.signed("GET", "/examplebucket/ch?live&comp=stat", null, Instant.now());
        assertThat(stat.body().replaceAll(">\\s+<", "><")).contains("<Snapshot><Status>Off</Status><Reason>"
                + "no FFmpeg build for the platform linux-riscv64</Reason></Snapshot>");
        oss.createLiveChannel(channel("plain", "", new LiveChannelTarget()));
        assertThat(http.signed("GET", "/examplebucket/plain?live&comp=stat", null, Instant.now()).body())
                .doesNotContain("Snapshot");
    }

    @Test
    void badStatusValueIsInvalidArgument() throws Exception {
        oss.createLiveChannel(channel("ch", "", new LiveChannelTarget()));
        RawHttp.Answer a = http.signed("PUT", "/examplebucket/ch?live&status=paused", null, Instant.now());
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("<Code>InvalidArgument</Code>");
    }

    @Test
    void maxKeysAbove1000OrNotANumberIsInvalidArgument() throws Exception {
        for (String v : new String[] {"1001", "0", "ten"}) {
            RawHttp.Answer a = http.signed("GET", "/examplebucket/?live&max-keys=" + v, null, Instant.now());
            assertThat(a.status()).as(v).isEqualTo(400);
            assertThat(a.body()).as(v).contains("<Code>InvalidArgument</Code>");
        }
        assertThat(http.signed("GET", "/examplebucket/?live&max-keys=1000", null, Instant.now()).status())
                .isEqualTo(200);
    }

    @Test
    void vodTimeRangeRulesAreInvalidArgument() {
        oss.createLiveChannel(channel("ch", "", new LiveChannelTarget()));
        long t = 1_763_740_800L;
        assertCode(() -> oss.generateVodPlaylist(BUCKET, "ch", "v.m3u8", t, t), "InvalidArgument");
        assertCode(() -> oss.generateVodPlaylist(BUCKET, "ch", "v.m3u8", t, t - 1), "InvalidArgument");
        assertCode(() -> oss.generateVodPlaylist(BUCKET, "ch", "v.m3u8", t, t + 86_400), "InvalidArgument");
        assertCode(() -> oss.generateVodPlaylist(BUCKET, "ch", "v.m3u8", t, t + 60), "InvalidArgument"); // no segments
        assertCode(() -> oss.getVodPlaylist(BUCKET, "ch", t, t + 86_400), "InvalidArgument");
        assertCode(() -> oss.generateVodPlaylist(BUCKET, "ch", "v.txt", t, t + 60), "InvalidArgument");
    }

    @Test
    void missingChannelAndBucketGetNoSuchCodes() {
        assertCode(() -> oss.getLiveChannelInfo(BUCKET, "nope"), "NoSuchLiveChannel");
        assertCode(() -> oss.getLiveChannelStat(BUCKET, "nope"), "NoSuchLiveChannel");
        assertCode(() -> oss.getLiveChannelHistory(BUCKET, "nope"), "NoSuchLiveChannel");
        assertCode(() -> oss.setLiveChannelStatus(BUCKET, "nope", LiveChannelStatus.Disabled), "NoSuchLiveChannel");
        assertCode(() -> oss.deleteLiveChannel(BUCKET, "nope"), "NoSuchLiveChannel");
        assertCode(() -> oss.getLiveChannelInfo("nobucket", "ch"), "NoSuchBucket");
    }

    @Test
    void bodiesOverTheLimitAreEntityTooLargeNotAServerError() throws Exception {
        byte[] big = new byte[HttpLimits.DEFAULT_MAX_BODY_BYTES + 1];
        RawHttp.Answer a = http.send("PUT", "/examplebucket/big.bin", big);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("<Code>EntityTooLarge</Code>");
        RawHttp.Answer xml = putConfig("ch", "<LiveChannelConfiguration><Description>" + "x".repeat(70_000)
                + "</Description></LiveChannelConfiguration>");
        assertThat(xml.status()).isEqualTo(400);
        assertThat(xml.body()).contains("<Code>EntityTooLarge</Code>");
    }

    @Test
    void documentTypeDeclarationsAreMalformedXmlSoEntitiesAreNeverResolved() throws Exception {
        Path secret = dir.resolve("secret.txt");
        java.nio.file.Files.writeString(secret, "TOPSECRET");
        RawHttp.Answer a = putConfig("ch", "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file://"
                + secret + "\">]><LiveChannelConfiguration><Description>&x;</Description><Target><Type>HLS</Type>"
                + "</Target></LiveChannelConfiguration>");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("<Code>MalformedXML</Code>").doesNotContain("TOPSECRET");
        assertThat(server.metadata.channels().find(BUCKET, "ch")).isEmpty();
    }

    // Names and header values with control characters: refused with 400 InvalidArgument before anything is
    // opened or signed; names already stored (by an earlier version) never turn a listing or an error into a 5xx.

    @Test
    void keysWithControlCharactersAreInvalidArgumentThroughTheSdk() {
        for (String key : new String[] {"a\u0000b", "a\u0001b", "line\nbreak", "del\u007F"}) {
            assertCode(() -> oss.putObject(BUCKET, key, new ByteArrayInputStream(new byte[] {1})), "InvalidArgument");
            assertCode(() -> oss.getObject(BUCKET, key), "InvalidArgument");
        }
        assertThat(oss.listObjects(BUCKET).getObjectSummaries()).isEmpty();
    }

    @Test
    void channelNamesWithControlCharactersAreInvalidArgumentThroughTheSdk() {
        assertCode(() -> oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, "cam\u00001", "",
                LiveChannelStatus.Enabled, new LiveChannelTarget())), "InvalidArgument");
        assertCode(() -> oss.getLiveChannelInfo(BUCKET, "cam\u00011"), "InvalidArgument");
        assertThat(oss.listLiveChannels(BUCKET)).isEmpty();
    }

    @Test
    void nulKeyWithABadSignatureIs400NotARetried5xx() throws Exception {
        RawHttp.Answer a = http.send("GET", "/" + BUCKET + "/a%00b", null,
                "Date", RequestHandler.HTTP_DATE.format(Instant.now()),
                "Authorization", "OSS " + ApiTestServer.ACCESS_KEY_ID + ":bm90IGEgc2lnbmF0dXJl");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("<Code>InvalidArgument</Code>");
    }

    @Test
    void playlistNameWithAControlCharacterIsInvalidArgument() {
        assertCode(() -> oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, "cam1", "",
                LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", 5, 3, "play\tlist.m3u8"))), "InvalidArgument");
    }

    @Test
    void aStoredKeyWithAControlCharacterIsListedAndCanBeDeleted() throws Exception {
        // as an earlier version could store it; the store itself accepts any key
        server.objects.put(BUCKET, "cam1/bad\u0001name.ts", new byte[] {1, 2, 3}, PutOptions.of("video/MP2T"));
        oss.putObject(BUCKET, "cam1/good.ts", new ByteArrayInputStream(new byte[] {4}));

        assertThat(oss.listObjects(BUCKET).getObjectSummaries()).extracting(OSSObjectSummary::getKey)
                .containsExactly("cam1/bad\uFFFDname.ts", "cam1/good.ts");
        ListObjectsRequest encoded = new ListObjectsRequest(BUCKET);
        encoded.setEncodingType("url");
        assertThat(oss.listObjects(encoded).getObjectSummaries()).extracting(OSSObjectSummary::getKey)
                .containsExactly("cam1%2Fbad%01name.ts", "cam1%2Fgood.ts");

        oss.deleteObject(BUCKET, "cam1/bad\u0001name.ts");
        assertThat(oss.listObjects(BUCKET).getObjectSummaries()).extracting(OSSObjectSummary::getKey)
                .containsExactly("cam1/good.ts");
    }

    @Test
    void anErrorEchoingAControlCharacterIsStillA4xxDocument() throws Exception {
        RawHttp.Answer a = http.signed("GET", "/no%01bucket/key", null, Instant.now());
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body()).contains("<Code>NoSuchBucket</Code>", "<BucketName>no\uFFFDbucket</BucketName>");
    }

    @Test
    void responseOverrideWithCrLfIs400AndLeavesNoFileOpen() throws Exception {
        byte[] large = new byte[100 * 1024]; // past the in-memory cache: the request reaches the file
        oss.putObject(BUCKET, "big.bin", new ByteArrayInputStream(large));
        for (int i = 0; i < 50; i++) {
            RawHttp.Answer a = http.signed("GET", "/" + BUCKET + "/big.bin?response-content-type=text%2Fplain%0D%0AX-Evil%3A%201",
                    null, Instant.now());
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.body()).contains("<Code>InvalidArgument</Code>", "response-content-type");
        }
        assertThat(openFilesUnder(dir.resolve("objects"))).isZero();
        assertThat(oss.getObject(BUCKET, "big.bin").getObjectMetadata().getContentLength()).isEqualTo(large.length);
    }

    @Test
    void responseOverrideWithSpacesAroundItIsEchoedWithoutThem() throws Exception {
        oss.putObject(BUCKET, "small.txt", new ByteArrayInputStream(new byte[] {1}));
        // a header value cannot begin or end with a space (the fuzzer's 500: Netty refused the header)
        RawHttp.Answer a = http.signed("HEAD", "/" + BUCKET + "/small.txt?response-content-encoding=%20gzip%09"
                + "&response-content-language=%20", null, Instant.now());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(a.header("Content-Language")).isNull();
    }

    /** Descriptors of this JVM open on files under {@code root}, from /proc (Linux). */
    private static long openFilesUnder(Path root) throws IOException {
        Path real = root.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }
}
