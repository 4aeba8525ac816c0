package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.LiveRecord;
import io.livechannel.storage.PutOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers where an audit against the reference API found us deviating; each test sends the exact request.
 */
class ReferenceConformanceTest {
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

    @Test
    void historyListsTheTenMostRecentPushesOldestFirst() {
        oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, "cam", "", LiveChannelStatus.Enabled,
                new LiveChannelTarget()));
        Instant base = Instant.parse("2026-11-21T10:00:00Z");
        for (int i = 0; i < 12; i++) {
            long id = server.metadata.history().recordStart(BUCKET, "cam", base.plusSeconds(600L * i),
                    "198.51.100.7:" + (4000 + i));
            server.metadata.history().recordEnd(id, base.plusSeconds(600L * i + 300));
        }

        List<LiveRecord> history = oss.getLiveChannelHistory(BUCKET, "cam");

        assertThat(history).extracting(LiveRecord::getRemoteAddress).containsExactly("198.51.100.7:4002",
                "198.51.100.7:4003", "198.51.100.7:4004", "198.51.100.7:4005", "198.51.100.7:4006",
                "198.51.100.7:4007", "198.51.100.7:4008", "198.51.100.7:4009", "198.51.100.7:4010",
                "198.51.100.7:4011");
    }

    @Test
    void aPresignedUrlLackingAParameterOrWithANonNumericExpiresIsAccessDenied() throws Exception {
        String expires = Long.toString(Instant.now().getEpochSecond() + 600);
        for (String query : List.of("OSSAccessKeyId=" + ApiTestServer.ACCESS_KEY_ID + "&Expires=" + expires,
                "Expires=" + expires + "&Signature=abc%3D", "OSSAccessKeyId=" + ApiTestServer.ACCESS_KEY_ID
                        + "&Signature=abc%3D", "OSSAccessKeyId=" + ApiTestServer.ACCESS_KEY_ID
                        + "&Expires=soon&Signature=abc%3D")) {
            RawHttp.Answer answer = http.send("GET", "/examplebucket/a.txt?" + query, null);

            assertThat(answer.status()).as(query).isEqualTo(403);
            assertThat(answer.body()).as(query).contains("<Code>AccessDenied</Code>");
        }
    }

    @Test
    void aUrlSignatureTogetherWithAnAuthorizationHeaderIsInvalidArgument() throws Exception {
        String expires = Long.toString(Instant.now().getEpochSecond() + 600);

        RawHttp.Answer answer = http.signed("GET", "/examplebucket/a.txt?OSSAccessKeyId="
                + ApiTestServer.ACCESS_KEY_ID + "&Expires=" + expires + "&Signature=abc%3D", null, Instant.now());

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("<Code>InvalidArgument</Code>");
    }

    @Test
    void aChannelConfigurationUnderAnotherRootElementIsMalformedXml() throws Exception {
        String body = "<CreateBucketConfiguration><Description>d</Description><Status>enabled</Status>"
                + "<Target><Type>HLS</Type><FragDuration>2</FragDuration><FragCount>3</FragCount>"
                + "<PlaylistName>playlist.m3u8</PlaylistName></Target></CreateBucketConfiguration>";

        RawHttp.Answer answer = http.signed("PUT", "/examplebucket/cam?live", body.getBytes(StandardCharsets.UTF_8),
                Instant.now());

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("<Code>MalformedXML</Code>");
        assertThat(server.metadata.channels().find(BUCKET, "cam")).isEmpty();
    }

    @Test
    void listObjectsWithMaxKeysZeroIsAnEmptyListing() throws Exception {
        server.objects.put(BUCKET, "a.txt", "a".getBytes(StandardCharsets.UTF_8), PutOptions.of("text/plain"));

        RawHttp.Answer zero = http.signed("GET", "/examplebucket/?max-keys=0", null, Instant.now());
        RawHttp.Answer negative = http.signed("GET", "/examplebucket/?max-keys=-1", null, Instant.now());
        RawHttp.Answer tooMany = http.signed("GET", "/examplebucket/?max-keys=1001", null, Instant.now());

        assertThat(zero.status()).isEqualTo(200);
        assertThat(zero.body()).contains("<MaxKeys>0</MaxKeys>").contains("<IsTruncated>false</IsTruncated>")
                .doesNotContain("<Contents>");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(tooMany.status()).isEqualTo(400);
    }

    @Test
    void getVodPlaylistAnswersWithTheEtagOfItsBody() throws Exception {
        oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, "cam", "", LiveChannelStatus.Enabled,
                new LiveChannelTarget()));
        Instant start = Instant.parse("2026-11-21T10:00:00Z");
        server.objects.put(BUCKET, "cam/1.ts", new byte[188], PutOptions.of("video/MP2T"));
        server.metadata.segments().add(new io.livechannel.storage.catalog.SegmentRecord(BUCKET, "cam", "cam/1.ts",
                start.toEpochMilli(), 2_000_000, 1, false, 188));

        RawHttp.Answer answer = http.signed("GET", "/examplebucket/cam?vod&startTime="
                + (start.getEpochSecond() - 10) + "&endTime=" + (start.getEpochSecond() + 60), null, Instant.now());

        assertThat(answer.status()).isEqualTo(200);
        String md5 = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5")
                .digest(answer.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.header("ETag")).isEqualTo("\"" + md5 + "\"");
    }

    @Test
    void xmlDeclarationsUseDoubleQuotesInDocumentsAndErrors() throws Exception {
        RawHttp.Answer document = http.signed("GET", "/examplebucket/?acl", null, Instant.now());
        RawHttp.Answer error = http.send("GET", "/examplebucket/missing.txt", null);

        assertThat(document.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        assertThat(error.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }
}
