package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CorsRule;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole HTTP pipeline of {@link ApiChannelInitializer} on an {@link EmbeddedChannel}, with a direct storage
 * executor over the real stores: bytes in, bytes out, nothing leaked (paranoid leak detection is on).
 */
class RequestHandlerTest {
    static final Instant NOW = Instant.parse("2026-11-21T18:00:00Z");

    @TempDir
    Path dir;
    ObjectStore objects;
    MetadataStore metadata;
    EmbeddedChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        objects = new FileSystemObjectStore(dir.resolve("objects"), clock);
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        objects.createBucket("pub");
        metadata.buckets().create(new Bucket("pub", BucketAcl.PUBLIC_READ, NOW, List.of(new CorsRule(
                List.of("https://player.example.com"), List.of("GET", "HEAD"), List.of("range"), List.of("ETag"), 60))));
        ApiChannelInitializer api = new ApiChannelInitializer(ApiConfig.builder()
                .domains(List.of("oss.lc.test")).stores(objects, metadata).storageExecutor(Runnable::run).clock(clock)
                .build());
        channel = new EmbeddedChannel();
        api.addHandlers(channel.pipeline());
    }

    @AfterEach
    void tearDown() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
        metadata.close();
        objects.close();
    }

    private String exchange(String request) {
        return EmbeddedExchange.exchange(channel, request);
    }

    @Test
    void streamsALargeObjectInPiecesWithExactContentLength() throws Exception {
        byte[] data = new byte[3 * ObjectBodyWriter.CHUNK_BYTES + 1234];
        new Random(7).nextBytes(data);
        objects.put("pub", "ch1/1.ts", data, PutOptions.of("video/MP2T"));

        String response = exchange("GET /pub/ch1/1.ts HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");

        int split = response.indexOf("\r\n\r\n");
        String head = response.substring(0, split);
        assertThat(head).startsWith("HTTP/1.1 200 OK")
                .containsIgnoringCase("content-length: " + data.length)
                .containsIgnoringCase("content-type: video/MP2T")
                .containsIgnoringCase("cache-control: public, max-age=31536000, immutable")
                .containsIgnoringCase("x-oss-request-id: ")
                .containsIgnoringCase("date: Sat, 21 Nov 2026 18:00:00 GMT");
        assertThat(response.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(data);
    }

    @Test
    void rangeRequestAnswers206WithContentRange() throws Exception {
        objects.put("pub", "ch1/1.ts", "0123456789".getBytes(StandardCharsets.UTF_8), PutOptions.of("video/MP2T"));
        String response = exchange("GET /pub/ch1/1.ts HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=3-5\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 206 Partial Content").containsIgnoringCase("content-range: bytes 3-5/10")
                .containsIgnoringCase("content-length: 3").endsWith("\r\n\r\n345");
        String standard = exchange("GET /pub/ch1/1.ts HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=30-\r\n"
                + "x-oss-range-behavior: standard\r\n\r\n");
        assertThat(standard).startsWith("HTTP/1.1 416").containsIgnoringCase("<Code>InvalidRange</Code>");
    }

    @Test
    void headOfAMissingKeyCarriesTheErrorInXOssErr() {
        String response = exchange("HEAD /pub/missing.ts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 Not Found").endsWith("\r\n\r\n");
        String err = response.lines().filter(l -> l.startsWith("x-oss-err: ")).findFirst().orElseThrow()
                .substring("x-oss-err: ".length());
        assertThat(new String(Base64.getDecoder().decode(err), StandardCharsets.UTF_8))
                .containsIgnoringCase("<Code>NoSuchKey</Code>").containsIgnoringCase("<Key>missing.ts</Key>");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        objects.put("pub", "a.txt", "body-A".getBytes(StandardCharsets.UTF_8), PutOptions.of("text/plain"));
        objects.put("pub", "b.txt", "body-B".getBytes(StandardCharsets.UTF_8), PutOptions.of("text/plain"));
        String response = exchange("GET /pub/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /pub/b.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(response.indexOf("body-A")).isPositive().isLessThan(response.indexOf("body-B"));
        assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    }

    @Test
    void corsPreflightIsAnsweredFromTheBucketRules() {
        String allowed = exchange("OPTIONS /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: https://player.example.com\r\nAccess-Control-Request-Method: GET\r\n"
                + "Access-Control-Request-Headers: range\r\n\r\n");
        assertThat(allowed).startsWith("HTTP/1.1 200 OK")
                .containsIgnoringCase("access-control-allow-origin: https://player.example.com")
                .containsIgnoringCase("access-control-allow-methods: GET, HEAD")
                .containsIgnoringCase("access-control-allow-headers: range")
                .containsIgnoringCase("access-control-max-age: 60");
        String refused = exchange("OPTIONS /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: https://evil.example.net\r\nAccess-Control-Request-Method: GET\r\n\r\n");
        assertThat(refused).startsWith("HTTP/1.1 403 Forbidden").containsIgnoringCase("<Code>AccessForbidden</Code>");
    }

    @Test
    void actualCorsRequestGetsAllowOriginHeader() throws Exception {
        objects.put("pub", "ch1/playlist.m3u8", "#EXTM3U\n".getBytes(StandardCharsets.UTF_8),
                PutOptions.of("application/x-mpegURL"));
        String response = exchange("GET /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: https://player.example.com\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 OK")
                .containsIgnoringCase("access-control-allow-origin: https://player.example.com")
                .containsIgnoringCase("access-control-expose-headers: ETag").containsIgnoringCase("vary: Origin")
                .containsIgnoringCase("content-type: application/x-mpegURL").containsIgnoringCase("cache-control: public, max-age=1");
    }

    @Test
    void anonymousWriteToAPublicReadBucketIsAccessDenied() {
        String response = exchange("PUT /pub/x.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nx");
        assertThat(response).startsWith("HTTP/1.1 403 Forbidden").containsIgnoringCase("<Code>AccessDenied</Code>")
                .containsIgnoringCase("<RequestId>");
    }

    @Test
    void malformedPercentEncodingIsInvalidArgumentAndClosesTheConnection() {
        String response = exchange("GET /pub/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request").containsIgnoringCase("<Code>InvalidArgument</Code>");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void unsupportedSubResourceIsNotImplementedAndOtherMethodsAreNotAllowed() {
        assertThat(exchange("POST /pub/x?uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"))
                .startsWith("HTTP/1.1 501").containsIgnoringCase("<Code>NotImplemented</Code>");
        assertThat(exchange("GET /pub/x?acl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                .startsWith("HTTP/1.1 501").containsIgnoringCase("<Code>NotImplemented</Code>");
        assertThat(exchange("POST /pub/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"))
                .startsWith("HTTP/1.1 405").containsIgnoringCase("<Code>MethodNotAllowed</Code>");
    }

    @Test
    void connectionWithoutARequestIsClosedAtTheRequestHeadTimeout() {
        channel.freezeTime();
        channel.advanceTimeBy(HttpLimits.DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS - 1, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void requestLineOverTheLimitIsInvalidArgumentNotACrash() {
        String response = exchange("GET /pub/" + "a".repeat(HttpLimits.DEFAULT_MAX_INITIAL_LINE_BYTES)
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request").containsIgnoringCase("<Code>InvalidArgument</Code>")
                .containsIgnoringCase("x-oss-request-id: ");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void declaredBodyOverTheLimitIsEntityTooLargeAndTheConnectionStaysUsable() throws Exception {
        String tooLarge = exchange("PUT /pub/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + (HttpLimits.DEFAULT_MAX_BODY_BYTES + 1) + "\r\n\r\n" + "x".repeat(1000));
        assertThat(tooLarge).startsWith("HTTP/1.1 400 Bad Request").containsIgnoringCase("<Code>EntityTooLarge</Code>");
        assertThat(channel.isOpen()).isTrue();
        objects.put("pub", "a.txt", "AAA".getBytes(StandardCharsets.UTF_8), PutOptions.of("text/plain"));
        // the rest of the oversized body is discarded, then the next request on the connection is served
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[HttpLimits.DEFAULT_MAX_BODY_BYTES + 1 - 1000]));
        assertThat(exchange("GET /pub/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK")
                .endsWith("AAA");
    }

    @Test
    void errorsCarryCorsHeadersSoABrowserPlayerCanReadThem() {
        String response = exchange("GET /pub/ch1/missing.ts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: https://player.example.com\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 Not Found").containsIgnoringCase("<Code>NoSuchKey</Code>")
                .containsIgnoringCase("access-control-allow-origin: https://player.example.com");
    }
}
