package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.api.auth.CanonicalizedResource;
import io.livechannel.api.auth.SignatureV1;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.cache.CachingMetadataStore;
import io.livechannel.storage.cache.CachingObjectStore;
import io.livechannel.storage.cache.MemoryOnlyStores;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CorsRule;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Object GETs and HEADs answered on the event loop from the caches ({@link ApiConfig#memoryOnly()}) answer
 * byte for byte what the storage-executor path answers (apart from the request id), and need no executor task.
 * Two pipelines over the same real stores (filesystem, SQLite, through the caches): {@code reference} without
 * the memory-only views, {@code fast} with them; the storage executor counts the tasks it runs.
 */
class InMemoryAnswersTest {
    static final Instant NOW = Instant.parse("2026-11-21T18:00:00Z");
    static final String DATE = RequestHandler.HTTP_DATE.format(NOW);
    static final String KEY_ID = "LTAIinmemory";
    static final String SECRET = "inMemorySecret123";
    static final byte[] PLAYLIST = ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:41\n"
            + "#EXTINF:2.000,\n1700000082000.ts\n").getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    CachingObjectStore objects;
    CachingMetadataStore metadata;
    final AtomicInteger executorTasks = new AtomicInteger();
    EmbeddedChannel reference;
    EmbeddedChannel fast;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        objects = new CachingObjectStore(new FileSystemObjectStore(dir.resolve("objects"), clock));
        metadata = new CachingMetadataStore(JdbcMetadataStore.openSqlite(dir.resolve("catalog.db")));
        metadata.accessKeys().put(new AccessKey(KEY_ID, SECRET));
        for (String bucket : List.of("pub", "priv")) {
            objects.createBucket(bucket);
            objects.put(bucket, "ch1/playlist.m3u8", PLAYLIST, PutOptions.of("application/vnd.apple.mpegurl"));
        }
        metadata.buckets().create(new Bucket("pub", BucketAcl.PUBLIC_READ, NOW, List.of(new CorsRule(
                List.of("https://player.example.com"), List.of("GET", "HEAD"), List.of("range"), List.of("ETag"), 60))));
        metadata.buckets().create(new Bucket("priv", BucketAcl.PRIVATE, NOW, List.of()));
        Executor counting = task -> {
            executorTasks.incrementAndGet();
            task.run();
        };
        ApiConfig plain = ApiConfig.builder().domains(List.of("oss.lc.test")).stores(objects, metadata)
                .storageExecutor(counting).clock(clock).build();
        ApiConfig withMemory = ApiConfig.builder().domains(List.of("oss.lc.test")).stores(objects, metadata)
                .storageExecutor(counting).clock(clock).memoryOnly(MemoryOnlyStores.of(objects, metadata)).build();
        reference = channel(new ApiChannelInitializer(plain));
        fast = channel(new ApiChannelInitializer(withMemory));
    }

    private static EmbeddedChannel channel(ApiChannelInitializer api) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // before the idle handler arms its timer
        api.addHandlers(channel.pipeline());
        return channel;
    }

    @AfterEach
    void tearDown() {
        assertThat(reference.finishAndReleaseAll()).isFalse();
        assertThat(fast.finishAndReleaseAll()).isFalse();
        metadata.close();
        objects.close();
    }

    static Stream<String> requests() {
        String get = "GET /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        return Stream.of(
                get + "\r\n",
                "HEAD /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                get + "Range: bytes=3-9\r\n\r\n",
                get + "Range: bytes=500-\r\nx-oss-range-behavior: standard\r\n\r\n",
                get + "If-None-Match: \"" + etag() + "\"\r\n\r\n",
                get + "If-Match: \"0000\"\r\n\r\n",
                get + "If-Modified-Since: " + DATE + "\r\n\r\n",
                get + "Origin: https://player.example.com\r\n\r\n",
                "GET /pub/ch1/playlist.m3u8?response-content-type=text/plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /priv/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                signedV1("GET", "/priv/ch1/playlist.m3u8"),
                hlsSignPresignedV1("/priv/ch1/playlist.m3u8"),
                "GET /ch1/playlist.m3u8 HTTP/1.1\r\nHost: pub.oss.lc.test\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("requests")
    void answersFromMemoryAsTheExecutorPathDoesWithoutATask(String request) {
        for (String bucket : List.of("pub", "priv")) { // fills the caches: key, bucket, object bytes
            assertThat(EmbeddedExchange.exchange(reference, signedV1("GET", "/" + bucket + "/ch1/playlist.m3u8")))
                    .startsWith("HTTP/1.1 200");
        }
        String expected = EmbeddedExchange.exchange(reference, request);
        int tasksBefore = executorTasks.get();

        String answered = EmbeddedExchange.exchange(fast, request);

        assertThat(executorTasks.get()).as("storage executor tasks").isEqualTo(tasksBefore);
        assertThat(normalized(answered)).isEqualTo(normalized(expected));
    }

    @Test
    void aLivePlaylistWriteIsServedFromMemoryAtOnceAndAnUploadAfterOneStoreRead() throws Exception {
        String get = "GET /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        assertThat(EmbeddedExchange.exchange(fast, get)).endsWith("1700000082000.ts\n");
        String text = new String(PLAYLIST, StandardCharsets.US_ASCII);
        byte[] next = text.replace("82000", "84000").getBytes(StandardCharsets.US_ASCII);
        byte[] uploaded = text.replace("82000", "86000").getBytes(StandardCharsets.US_ASCII);

        objects.put("pub", "ch1/playlist.m3u8", java.nio.ByteBuffer.wrap(next),
                PutOptions.liveOutput("application/vnd.apple.mpegurl"));

        int tasks = executorTasks.get();
        assertThat(EmbeddedExchange.exchange(fast, get)).endsWith("1700000084000.ts\n");
        assertThat(executorTasks.get()).as("a playlist put from memory is cached as it is stored").isEqualTo(tasks);

        objects.put("pub", "ch1/playlist.m3u8", new java.io.ByteArrayInputStream(uploaded), uploaded.length,
                PutOptions.of("application/vnd.apple.mpegurl"));

        assertThat(EmbeddedExchange.exchange(fast, get)).endsWith("1700000086000.ts\n");
        assertThat(executorTasks.get()).as("the first GET after a streamed upload reads the store").isGreaterThan(tasks);
        tasks = executorTasks.get();
        assertThat(EmbeddedExchange.exchange(fast, get)).endsWith("1700000086000.ts\n");
        assertThat(executorTasks.get()).as("later GETs are answered from memory").isEqualTo(tasks);
    }

    @Test
    void aLivePlaylistIsSignedOnTheEventLoop() {
        String request = hlsSignPresignedV1("/priv/ch1/playlist.m3u8");
        assertThat(EmbeddedExchange.exchange(fast, request)).startsWith("HTTP/1.1 200"); // fills the caches
        int tasks = executorTasks.get();

        String answered = EmbeddedExchange.exchange(fast, request);

        assertThat(executorTasks.get()).as("storage executor tasks").isEqualTo(tasks);
        assertThat(answered).startsWith("HTTP/1.1 200").contains("Cache-Control: no-cache")
                .contains("\n/priv/ch1/1700000082000.ts?OSSAccessKeyId=" + KEY_ID + "&Expires="
                        + (NOW.getEpochSecond() + 3600) + "&Signature=");
    }

    @Test
    void anAclChangeAppliesToTheNextInMemoryAnswer() {
        String get = "GET /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        assertThat(EmbeddedExchange.exchange(fast, get)).startsWith("HTTP/1.1 200");
        assertThat(EmbeddedExchange.exchange(fast, get)).startsWith("HTTP/1.1 200");

        metadata.buckets().setAcl("pub", BucketAcl.PRIVATE);

        assertThat(EmbeddedExchange.exchange(fast, get)).startsWith("HTTP/1.1 403")
                .contains("<Code>AccessDenied</Code>");
        int tasks = executorTasks.get();
        assertThat(EmbeddedExchange.exchange(fast, get)).startsWith("HTTP/1.1 403");
        assertThat(executorTasks.get()).isEqualTo(tasks);
    }

    @Test
    void pipelinedRequestsMixingBothPathsAreAnsweredInOrder() throws Exception {
        objects.put("pub", "a.txt", "body-A".getBytes(StandardCharsets.US_ASCII), PutOptions.of("text/plain"));
        String playlist = "GET /pub/ch1/playlist.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        EmbeddedExchange.exchange(fast, playlist);

        String response = EmbeddedExchange.exchange(fast, "GET /pub/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + playlist + "GET /pub/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + playlist);

        assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(5);
        int firstA = response.indexOf("body-A");
        int firstPlaylist = response.indexOf("#EXTM3U");
        int secondA = response.indexOf("body-A", firstPlaylist);
        assertThat(firstA).isPositive().isLessThan(firstPlaylist);
        assertThat(secondA).isGreaterThan(firstPlaylist).isLessThan(response.lastIndexOf("#EXTM3U"));
    }

    /** Header lines sorted, names lower-cased, request ids removed: what a client can tell apart. */
    private static String normalized(String response) {
        int split = response.indexOf("\r\n\r\n");
        String[] head = response.substring(0, split).split("\r\n");
        String headers = Stream.of(head).skip(1)
                .map(l -> l.substring(0, l.indexOf(':')).toLowerCase(Locale.ROOT) + l.substring(l.indexOf(':')))
                .filter(l -> !l.startsWith("x-oss-request-id:"))
                .sorted().collect(Collectors.joining("\n"));
        String body = response.substring(split + 4).replaceAll("<RequestId>[0-9A-F]{24}</RequestId>", "");
        return head[0] + "\n" + headers + "\n\n" + body;
    }

    private static String etag() {
        try {
            return java.util.HexFormat.of().withUpperCase()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(PLAYLIST));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A V1 presigned {@code x-oss-process=hls/sign} GET, as the SDKs build it: the live player's request. */
    private static String hlsSignPresignedV1(String path) {
        long expires = NOW.getEpochSecond() + 3600;
        String signature = SignatureV1.sign(SECRET, "GET\n\n\n" + expires + "\n" + path + "?x-oss-process=hls/sign");
        return "GET " + path + "?OSSAccessKeyId=" + KEY_ID + "&Expires=" + expires + "&Signature="
                + java.net.URLEncoder.encode(signature, StandardCharsets.UTF_8)
                + "&x-oss-process=hls%2Fsign HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    private static String signedV1(String method, String path) {
        OssRequest parsed;
        try {
            parsed = TestRequests.request(method, path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String toSign = SignatureV1.stringToSign(method, new DefaultHttpHeaders(), DATE,
                CanonicalizedResource.of(parsed.bucket(), parsed.key(), parsed.query().asMap()));
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nDate: " + DATE + "\r\nAuthorization: OSS "
                + KEY_ID + ":" + SignatureV1.sign(SECRET, toSign) + "\r\n\r\n";
    }
}
