package io.livechannel.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link ObjectStore} backend shares, same results and same error kinds. Subclasses supply
 * a store ({@code FileSystemObjectStoreTest}, {@code S3ObjectStoreTest} against S3Proxy); each test works in a
 * bucket of its own.
 */
public abstract class ObjectStoreContractTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    protected String bucket;
    private ObjectStore store;

    /** Opens the store under test; called before each test, closed after it. */
    protected abstract ObjectStore openStore() throws Exception;

    protected final ObjectStore store() {
        return store;
    }

    @BeforeEach
    void openStoreAndCreateBucket() throws Exception {
        store = openStore();
        bucket = "contract-" + BUCKETS.incrementAndGet();
        store.createBucket(bucket);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void putThenGetReturnsTheSameBytesAndAttributes() throws Exception {
        byte[] content = "#EXTM3U\n#EXT-X-VERSION:3\n".getBytes(StandardCharsets.UTF_8);
        PutOptions options = new PutOptions("application/x-mpegURL", Map.of("author", "cam1", "x-note", "hello"));

        StoredObject put = store().put(bucket, "live/playlist.m3u8", content, options);

        assertThat(put.key()).isEqualTo("live/playlist.m3u8");
        assertThat(put.size()).isEqualTo(content.length);
        assertThat(put.etag()).isEqualTo(md5Hex(content));
        try (ObjectStream got = store().get(bucket, "live/playlist.m3u8", null)) {
            assertThat(got.content().readAllBytes()).isEqualTo(content);
            assertThat(got.contentLength()).isEqualTo(content.length);
            assertThat(got.range()).isNull();
            assertThat(got.object().etag()).isEqualTo(md5Hex(content));
            assertThat(got.object().contentType()).isEqualTo("application/x-mpegURL");
            assertThat(got.object().userMetadata()).isEqualTo(Map.of("author", "cam1", "x-note", "hello"));
        }
        StoredObject head = store().head(bucket, "live/playlist.m3u8").orElseThrow();
        assertThat(head.size()).isEqualTo(content.length);
        assertThat(head.etag()).isEqualTo(md5Hex(content));
        assertThat(head.contentType()).isEqualTo("application/x-mpegURL");
        assertThat(head.userMetadata()).containsEntry("author", "cam1");
    }

    @Test
    void putFromADirectBufferStoresItsRemainingBytesWithAnMd5ETagAndLeavesTheBufferAlone() throws Exception {
        byte[] content = bytes(300_000, 7);
        ByteBuffer direct = ByteBuffer.allocateDirect(content.length + 10);
        direct.put(new byte[5]).put(content).put(new byte[5]).position(5).limit(5 + content.length);

        StoredObject put = store().put(bucket, "ch/1.ts", direct, PutOptions.of("video/MP2T"));

        assertThat(direct.position()).isEqualTo(5);
        assertThat(direct.limit()).isEqualTo(5 + content.length);
        assertThat(read("ch/1.ts")).isEqualTo(content);
        assertThat(put.size()).isEqualTo(content.length);
        assertThat(put.etag()).isEqualTo(md5Hex(content));
        assertThat(store().head(bucket, "ch/1.ts").orElseThrow().etag()).isEqualTo(put.etag());
        assertThat(store().head(bucket, "ch/1.ts").orElseThrow().contentType()).isEqualTo("video/MP2T");
    }

    @Test
    void putWithoutContentTypeStoresOctetStream() throws Exception {
        store().put(bucket, "blob", new byte[] {1, 2, 3}, new PutOptions(null, Map.of()));

        assertThat(store().head(bucket, "blob").orElseThrow().contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void putReplacesTheWholeObject() throws Exception {
        store().put(bucket, "k", bytes(5000, 1), PutOptions.of("video/mp2t"));
        byte[] second = bytes(10, 2);

        store().put(bucket, "k", second, PutOptions.of("text/plain"));

        assertThat(read("k")).isEqualTo(second);
        assertThat(store().head(bucket, "k").orElseThrow().contentType()).isEqualTo("text/plain");
        assertThat(store().list(bucket, ListQuery.prefix("", 10)).objects()).hasSize(1);
    }

    @Test
    void concurrentReadersSeeTheOldOrTheNewObjectWholeNeverAMix() throws Exception {
        byte[] first = bytes(256 * 1024, 11);
        byte[] second = bytes(128 * 1024, 12);
        store().put(bucket, "live/playlist.m3u8", first, PutOptions.of(null));
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<List<byte[]>>> reads = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                reads.add(readers.submit(() -> {
                    List<byte[]> seen = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        seen.add(read("live/playlist.m3u8"));
                    }
                    return seen;
                }));
            }
            for (int i = 0; i < 15; i++) {
                store().put(bucket, "live/playlist.m3u8", i % 2 == 0 ? second : first, PutOptions.of(null));
            }
            for (java.util.concurrent.Future<List<byte[]>> f : reads) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS))
                        .allSatisfy(got -> assertThat(Arrays.equals(got, first) || Arrays.equals(got, second))
                                .as("a read of %d bytes is one whole version", got.length).isTrue());
            }
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void emptyObjectRoundTrips() throws Exception {
        StoredObject put = store().put(bucket, "empty", new byte[0], PutOptions.of(null));

        assertThat(put.size()).isZero();
        assertThat(put.etag()).isEqualTo("D41D8CD98F00B204E9800998ECF8427E");
        assertThat(read("empty")).isEmpty();
    }

    @Test
    void largeObjectOfUnknownLengthIsStreamedWhole() throws Exception {
        byte[] content = bytes(3 * 1024 * 1024 + 17, 7);

        StoredObject put = store().put(bucket, "ch/big.ts", new ByteArrayInputStream(content), -1,
                PutOptions.of("video/mp2t"));

        assertThat(put.size()).isEqualTo(content.length);
        assertThat(put.etag()).isEqualTo(md5Hex(content));
        assertThat(read("ch/big.ts")).isEqualTo(content);
    }

    @Test
    void getOfRangeReturnsExactlyThoseBytes() throws Exception {
        byte[] content = bytes(1000, 3);
        store().put(bucket, "r", content, PutOptions.of(null));

        try (ObjectStream got = store().get(bucket, "r", new ByteRange(100, 199))) {
            assertThat(got.content().readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
            assertThat(got.range()).isEqualTo(new ByteRange(100, 199));
            assertThat(got.contentLength()).isEqualTo(100);
            assertThat(got.object().size()).isEqualTo(1000);
        }
    }

    @Test
    void rangePastTheEndIsClampedToTheLastByte() throws Exception {
        byte[] content = bytes(1000, 4);
        store().put(bucket, "r", content, PutOptions.of(null));

        try (ObjectStream got = store().get(bucket, "r", new ByteRange(990, 5000))) {
            assertThat(got.range()).isEqualTo(new ByteRange(990, 999));
            assertThat(got.content().readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 990, 1000));
        }
    }

    @Test
    void rangeStartingAtTheEndIsInvalidRange() throws Exception {
        store().put(bucket, "r", bytes(10, 5), PutOptions.of(null));

        assertKind(() -> store().get(bucket, "r", new ByteRange(10, 20)), StorageException.Kind.INVALID_RANGE);
    }

    @Test
    void missingKeyIsEmptyOnHeadAndNoSuchKeyOnGet() throws Exception {
        assertThat(store().head(bucket, "nope")).isEmpty();
        assertKind(() -> store().get(bucket, "nope", null), StorageException.Kind.NO_SUCH_KEY);
    }

    @Test
    void everyOperationOnAMissingBucketIsNoSuchBucket() {
        String missing = "missing-" + bucket;
        assertKind(() -> store().put(missing, "k", new byte[1], PutOptions.of(null)), StorageException.Kind.NO_SUCH_BUCKET);
        assertKind(() -> store().get(missing, "k", null), StorageException.Kind.NO_SUCH_BUCKET);
        assertKind(() -> store().head(missing, "k"), StorageException.Kind.NO_SUCH_BUCKET);
        assertKind(() -> store().list(missing, ListQuery.prefix("", 10)), StorageException.Kind.NO_SUCH_BUCKET);
        assertKind(() -> store().delete(missing, "k"), StorageException.Kind.NO_SUCH_BUCKET);
        assertKind(() -> store().deleteBucket(missing), StorageException.Kind.NO_SUCH_BUCKET);
    }

    @Test
    void deleteRemovesTheObjectAndDeletingAMissingKeySucceeds() throws Exception {
        store().put(bucket, "a/b.ts", new byte[] {1}, PutOptions.of(null));

        store().delete(bucket, "a/b.ts");
        store().delete(bucket, "a/b.ts");

        assertThat(store().head(bucket, "a/b.ts")).isEmpty();
        assertThat(store().list(bucket, ListQuery.prefix("", 10)).objects()).isEmpty();
        assertThat(store().list(bucket, new ListQuery("", "", "/", 10)).commonPrefixes()).isEmpty();
    }

    @Test
    void bucketIsDeletedOnlyWhenEmpty() throws Exception {
        store().put(bucket, "x/y", new byte[] {1}, PutOptions.of(null));

        assertKind(() -> store().deleteBucket(bucket), StorageException.Kind.BUCKET_NOT_EMPTY);
        store().delete(bucket, "x/y");
        store().deleteBucket(bucket);

        assertKind(() -> store().list(bucket, ListQuery.prefix("", 1)), StorageException.Kind.NO_SUCH_BUCKET);
        store().createBucket(bucket); // recreating works, and creating twice is a no-op
        store().createBucket(bucket);
        assertThat(store().list(bucket, ListQuery.prefix("", 1)).objects()).isEmpty();
    }

    @Test
    void listsKeysInUtf8BinaryOrder() throws Exception {
        // Byte order, not case-insensitive or locale order. Two cases live in the filesystem test because S3Proxy
        // deviates from S3 there: "a" beside "a/b" (its file-backed store cannot hold both) and U+FFFD before an
        // emoji (S3Proxy sorts by UTF-16 units, S3 by UTF-8 bytes).
        List<String> keys = List.of("B", "aa", "a-b", "a/b", "a0", "\u00e9", "z", "\u4e2d", "\u00ff");
        for (String key : keys) {
            store().put(bucket, key, key.getBytes(StandardCharsets.UTF_8), PutOptions.of(null));
        }

        List<String> listed = keysOf(store().list(bucket, ListQuery.prefix("", 100)));

        assertThat(listed).containsExactly("B", "a-b", "a/b", "a0", "aa", "z", "\u00e9", "\u00ff", "\u4e2d");
    }

    @Test
    void listPagesWithMarkerAndMaxKeys() throws Exception {
        for (int i = 0; i < 7; i++) {
            store().put(bucket, "ch/" + (1000 + i) + ".ts", new byte[] {(byte) i}, PutOptions.of("video/mp2t"));
        }

        ObjectListing first = store().list(bucket, new ListQuery("ch/", "", "", 3));
        ObjectListing second = store().list(bucket, new ListQuery("ch/", first.nextMarker(), "", 3));
        ObjectListing third = store().list(bucket, new ListQuery("ch/", second.nextMarker(), "", 3));

        assertThat(keysOf(first)).containsExactly("ch/1000.ts", "ch/1001.ts", "ch/1002.ts");
        assertThat(first.truncated()).isTrue();
        assertThat(first.nextMarker()).isEqualTo("ch/1002.ts");
        assertThat(keysOf(second)).containsExactly("ch/1003.ts", "ch/1004.ts", "ch/1005.ts");
        assertThat(keysOf(third)).containsExactly("ch/1006.ts");
        assertThat(third.truncated()).isFalse();
        assertThat(third.nextMarker()).isNull();
        StoredObject listed = first.objects().get(0);
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.etag()).isEqualTo(md5Hex(new byte[] {0}));
    }

    @Test
    void listWithPrefixMatchesPartialComponents() throws Exception {
        for (String key : List.of("cam1/a.ts", "cam10/b.ts", "cam2/c.ts", "camera", "other/cam1")) {
            store().put(bucket, key, new byte[] {1}, PutOptions.of(null));
        }

        assertThat(keysOf(store().list(bucket, ListQuery.prefix("cam1", 100))))
                .containsExactly("cam1/a.ts", "cam10/b.ts");
        assertThat(keysOf(store().list(bucket, ListQuery.prefix("cam1/", 100)))).containsExactly("cam1/a.ts");
        assertThat(keysOf(store().list(bucket, ListQuery.prefix("nothing", 100)))).isEmpty();
    }

    @Test
    void delimiterRollsKeysUpIntoCommonPrefixesThatCountTowardsMaxKeys() throws Exception {
        for (String key : List.of("a.m3u8", "cam1/1.ts", "cam1/2.ts", "cam2/1.ts", "cam2/sub/x.ts", "z.txt")) {
            store().put(bucket, key, new byte[] {1}, PutOptions.of(null));
        }

        ObjectListing all = store().list(bucket, new ListQuery("", "", "/", 100));
        ObjectListing page1 = store().list(bucket, new ListQuery("", "", "/", 2));
        ObjectListing page2 = store().list(bucket, new ListQuery("", page1.nextMarker(), "/", 2));
        ObjectListing nested = store().list(bucket, new ListQuery("cam2/", "", "/", 100));

        assertThat(keysOf(all)).containsExactly("a.m3u8", "z.txt");
        assertThat(all.commonPrefixes()).containsExactly("cam1/", "cam2/");
        assertThat(keysOf(page1)).containsExactly("a.m3u8");
        assertThat(page1.commonPrefixes()).containsExactly("cam1/");
        assertThat(page1.nextMarker()).isEqualTo("cam1/");
        assertThat(page2.commonPrefixes()).containsExactly("cam2/");
        assertThat(keysOf(page2)).containsExactly("z.txt");
        assertThat(keysOf(nested)).containsExactly("cam2/1.ts");
        assertThat(nested.commonPrefixes()).containsExactly("cam2/sub/");
    }

    @Test
    void unusualKeysMapToTheirOwnObjects() throws Exception {
        // Dot segments ("..", "a/../b"), "a//b" and "dir/" with content are in the filesystem test: S3Proxy
        // refuses, normalises or empties them (its file-backed store), real S3 does not.
        List<String> keys = new ArrayList<>(List.of("a\\b", "%2F",
                "a%o", "a%c/x", ".hidden", ".tmp-x", "sp ace/t\tab", "\u4f60\u597d/\u4e16\u754c.ts", "x".repeat(300),
                "\u00e9".repeat(511), "q?x=1&y=#frag", "a:b*c\"d<e>f|g"));
        for (int i = 0; i < keys.size(); i++) {
            store().put(bucket, keys.get(i), ("v" + i).getBytes(StandardCharsets.UTF_8), PutOptions.of(null));
        }

        for (int i = 0; i < keys.size(); i++) {
            assertThat(read(keys.get(i))).as(keys.get(i)).isEqualTo(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort((x, y) -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        assertThat(keysOf(store().list(bucket, ListQuery.prefix("", 1000)))).containsExactlyElementsOf(sorted);
    }

    @Test
    void invalidKeysAreRefusedWithInvalidKey() {
        for (String key : List.of("", "/abs", "\\abs", "k".repeat(1024), "\u00e9".repeat(512), "bad\uD800surrogate")) {
            assertKind(() -> store().put(bucket, key, new byte[1], PutOptions.of(null)), StorageException.Kind.INVALID_KEY);
            assertKind(() -> store().head(bucket, key), StorageException.Kind.INVALID_KEY);
        }
    }

    @Test
    void keyOfExactly1023BytesIsAccepted() throws Exception {
        String key = "k".repeat(1023);

        store().put(bucket, key, new byte[] {9}, PutOptions.of(null));

        assertThat(read(key)).containsExactly(9);
    }

    @Test
    void invalidBucketNamesAreRefused() {
        for (String name : List.of("ab", "x".repeat(64), "Upper", "-lead", "trail-", "a_b", "../x", "a/b")) {
            assertKind(() -> store().createBucket(name), StorageException.Kind.INVALID_BUCKET_NAME);
            assertKind(() -> store().head(name, "k"), StorageException.Kind.INVALID_BUCKET_NAME);
        }
    }

    protected byte[] read(String key) throws StorageException, IOException {
        try (ObjectStream got = store().get(bucket, key, null)) {
            return got.content().readAllBytes();
        }
    }

    protected static List<String> keysOf(ObjectListing listing) {
        return listing.objects().stream().map(StoredObject::key).toList();
    }

    protected static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static String md5Hex(byte[] content) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    protected static String md5Hex(InputStream in) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            md5.update(buf, 0, n);
        }
        return HexFormat.of().withUpperCase().formatHex(md5.digest());
    }

    /** A store call expected to fail. */
    protected interface StoreCall {
        void run() throws Exception;
    }

    protected static void assertKind(StoreCall call, StorageException.Kind kind) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
    }
}
