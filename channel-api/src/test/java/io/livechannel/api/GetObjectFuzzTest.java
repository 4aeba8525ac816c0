package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * GetObject and HeadObject with any {@code response-*} overrides, Range and conditional headers (issue 29 finding
 * 4: a CR/LF in an override once answered 500 and left the object file open), over the real stores (filesystem
 * objects, SQLite catalog) of a public-read bucket. Input: the method, the key, up to eight query parameters
 * (names mostly the override names, values any text, sent percent-encoded or raw) and the headers. Properties:
 * never a 5xx (but 501 NotImplemented for a sub-resource this server lacks, such as versionId); an answer with the object carries each override exactly as given, and its head, encoded and
 * decoded again by Netty's HTTP codec, has the same header names in the same order and the same printable-ASCII
 * values (no value can split the head or add a header); the request leaves no
 * file descriptor open once its answer is closed. Corpus: {@code GetObjectFuzzTestInputs/}.
 */
class GetObjectFuzzTest {
    private static final List<String> PARAMETERS = List.of("response-content-type", "response-content-language",
            "response-expires", "response-cache-control", "response-content-disposition",
            "response-content-encoding", "x-oss-range-behavior", "versionId");
    private static final List<String> KEYS = List.of("channel/seg-1.ts", "channel/playlist.m3u8", "notes.txt");
    private static Path dir;
    private static FileSystemObjectStore objects;
    private static MetadataStore metadata;
    private static ApiService service;

    @BeforeAll
    static void openStores() throws Exception {
        dir = Files.createTempDirectory("get-object-fuzz");
        objects = new FileSystemObjectStore(dir.resolve("objects"), Clock.systemUTC());
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        objects.createBucket("examplebucket");
        metadata.buckets().create(new Bucket("examplebucket", BucketAcl.PUBLIC_READ, Clock.systemUTC().instant(),
                List.of()));
        for (String key : KEYS) {
            objects.put("examplebucket", key, ("content of " + key).getBytes(StandardCharsets.UTF_8),
                    new PutOptions("text/plain", Map.of("origin", "fuzz")));
        }
        service = new ApiService(ApiConfig.builder().domains(TestRequests.DOMAINS).stores(objects, metadata)
                .storageExecutor(Runnable::run).build());
        // the catalog and the store open some files on first use: open them before counting descriptors
        service.handle(TestRequests.request("GET", "/examplebucket/" + KEYS.get(0), "Host", "127.0.0.1")).closeStream();
    }

    @AfterAll
    static void closeStores() throws IOException {
        metadata.close();
        objects.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void overridesAreRefusedOrEchoedAndNoFileStaysOpen(FuzzedDataProvider data) throws Exception {
        String method = data.consumeBoolean() ? "GET" : "HEAD";
        String key = data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeString(40);
        StringBuilder query = new StringBuilder();
        for (int n = data.consumeInt(0, 8); n > 0; n--) {
            String name = data.consumeBoolean() ? data.pickValue(PARAMETERS) : data.consumeAsciiString(20);
            String value = data.consumeString(80);
            query.append(query.length() == 0 ? "?" : "&").append(name).append('=')
                    .append(data.consumeBoolean() ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value);
        }
        List<String> headers = new ArrayList<>(List.of("Host", "127.0.0.1"));
        for (String header : List.of("Range", "If-None-Match", "If-Modified-Since", "x-oss-range-behavior")) {
            if (data.consumeBoolean()) {
                headers.addAll(List.of(header, data.consumeAsciiString(40)));
            }
        }
        long openBefore = openFiles();
        OssRequest request;
        try {
            request = TestRequests.request(method, "/examplebucket/" + key + query, headers.toArray(String[]::new));
        } catch (OssException refused) {
            assertThat(refused.code().httpStatus()).isBetween(400, 499);
            return;
        } catch (IllegalArgumentException notAValidHeader) {
            return; // Netty refused to hold the header: no HTTP client could have sent it
        }
        ApiResponse response = service.handle(request);
        try {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            if (!body.contains("<Code>NotImplemented</Code>")) { // 501: an OSS feature this server lacks (versionId)
                assertThat(response.status().code()).as(body).isLessThan(500);
            }
            // an empty key addresses the bucket (ListObjects), whose answer takes no response-* overrides
            if (response.status().code() / 100 == 2 && !request.key().isEmpty()) {
                for (Map.Entry<String, String> e : Map.of("response-content-type", "Content-Type",
                        "response-content-disposition", "Content-Disposition",
                        "response-cache-control", "Cache-Control").entrySet()) {
                    // echoed without the spaces and tabs around it, which a header value cannot begin or end with
                    request.query().get(e.getKey()).map(v -> v.replaceAll("^[ \\t]+|[ \\t]+$", ""))
                            .filter(v -> !v.isEmpty())
                            .ifPresent(v -> assertThat(response.headers().get(e.getValue())).isEqualTo(v));
                }
                assertHeadSurvivesTheWire(response);
            }
        } finally {
            response.closeStream();
        }
        assertThat(openFiles()).as("file descriptors after the answer").isLessThanOrEqualTo(openBefore);
    }

    /** Encodes the answer's head as the server would, decodes it as a client would: the same headers come out. */
    private static void assertHeadSurvivesTheWire(ApiResponse response) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
        head.headers().add(response.headers());
        EmbeddedChannel server = new EmbeddedChannel(new HttpResponseEncoder());
        server.writeOutbound(head);
        ByteBuf wire = server.readOutbound();
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder());
        client.writeInbound(wire);
        HttpResponse decoded = client.readInbound();
        try {
            assertThat(decoded.decoderResult().isSuccess()).isTrue();
            assertThat(names(decoded.headers().entries())).isEqualTo(names(response.headers().entries()));
            for (Map.Entry<String, String> e : response.headers().entries()) {
                if (e.getValue().chars().allMatch(c -> c >= 0x20 && c < 0x7F)) { // Netty sends other chars as '?'
                    assertThat(decoded.headers().getAll(e.getKey())).contains(e.getValue().strip());
                }
            }
        } finally {
            ReferenceCountUtil.release(decoded);
            server.finishAndReleaseAll();
            client.finishAndReleaseAll();
        }
    }

    private static List<String> names(List<Map.Entry<String, String>> entries) {
        return entries.stream().map(e -> e.getKey().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** Descriptors open on the stores' files (class loading and the test runner open others at any time). */
    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(dir);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }
}
