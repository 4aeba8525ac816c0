package io.livechannel.storage.fs;

import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStoreContractTest;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StoredObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The object store contract on the filesystem backend, plus what only a filesystem can get wrong. */
class FileSystemObjectStoreTest extends ObjectStoreContractTest {
    @TempDir
    Path tmp;
    private Path root;
    private FileSystemObjectStore store;

    @Override
    protected ObjectStore openStore() throws StorageException {
        root = tmp.resolve("objects");
        store = new FileSystemObjectStore(root);
        return store;
    }

    @Test
    void liveOutputGetsACrc32cETagWhateverThePathAndUploadsKeepTheirMd5() throws Exception {
        byte[] content = bytes(100_000, 3);
        byte[] sameSizeOtherBytes = bytes(100_000, 4);
        ByteBuffer direct = ByteBuffer.allocateDirect(content.length).put(content).flip();

        StoredObject fromBuffer = store.put(bucket, "ch/1.ts", direct, PutOptions.liveOutput("video/MP2T"));
        StoredObject fromStream = store.put(bucket, "ch/2.ts", new ByteArrayInputStream(content), content.length,
                PutOptions.liveOutput("video/MP2T"));
        StoredObject other = store.put(bucket, "ch/3.ts", ByteBuffer.wrap(sameSizeOtherBytes),
                PutOptions.liveOutput("video/MP2T"));
        StoredObject upload = store.put(bucket, "ch/4.ts", direct, PutOptions.of("video/MP2T"));

        assertThat(fromBuffer.etag()).isEqualTo(ETags.checksum(content)).hasSize(32).contains("00000000000186A0");
        assertThat(fromStream.etag()).isEqualTo(fromBuffer.etag());
        assertThat(other.etag()).isEqualTo(ETags.checksum(sameSizeOtherBytes)).isNotEqualTo(fromBuffer.etag());
        assertThat(upload.etag()).isEqualTo(md5Hex(content));
        assertThat(store.head(bucket, "ch/1.ts").orElseThrow().etag()).isEqualTo(fromBuffer.etag());
        assertThat(read("ch/1.ts")).isEqualTo(content);
        assertThat(read("ch/2.ts")).isEqualTo(content);
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void everyFsyncPolicyStoresReplacesAndDeletesTheSameWay(FsyncPolicy policy) throws Exception {
        FileSystemObjectStore other = new FileSystemObjectStore(tmp.resolve("policy-" + policy), Clock.systemUTC(),
                policy);
        other.createBucket(bucket);
        for (PutOptions options : List.of(PutOptions.of("video/MP2T"), PutOptions.liveOutput("video/MP2T"))) {
            other.put(bucket, "new/dir/seg.ts", ByteBuffer.wrap(bytes(1000, 1)), options);
            other.put(bucket, "new/dir/seg.ts", new ByteArrayInputStream(bytes(2000, 2)), 2000, options);
            try (ObjectStream got = other.get(bucket, "new/dir/seg.ts", null)) {
                assertThat(got.content().readAllBytes()).isEqualTo(bytes(2000, 2));
            }
            other.delete(bucket, "new/dir/seg.ts");
            assertThat(other.head(bucket, "new/dir/seg.ts")).isEmpty();
        }
        other.close();
        try (Stream<Path> files = Files.walk(tmp.resolve("policy-" + policy))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty(); // no temporary file left behind
        }
    }

    @Test
    void traversalKeysStayInsideTheBucketDirectory() throws Exception {
        store.createBucket("victim");
        for (String key : List.of("..", "../victim/x", "a/../../victim/y", "..\\..\\z", "./.", "%2E%2E/w")) {
            store.put(bucket, key, new byte[] {1}, PutOptions.of(null));
        }

        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile))
                    .allSatisfy(f -> assertThat(f.startsWith(root.resolve(bucket))).as(f.toString()).isTrue());
        }
        assertThat(store.list("victim", ListQuery.prefix("", 10)).objects()).isEmpty();
    }

    @Test
    void dotSegmentKeysAndAKeyBesideItsOwnPrefixAreDistinctObjects() throws Exception {
        List<String> keys = List.of("..", ".", "a/../b", "a/./b", "a", "a/b", "a/b/c", "./a", "a//b", "a/");
        for (int i = 0; i < keys.size(); i++) {
            store.put(bucket, keys.get(i), new byte[] {(byte) i}, PutOptions.of(null));
        }

        for (int i = 0; i < keys.size(); i++) {
            assertThat(read(keys.get(i))).as(keys.get(i)).containsExactly(i);
        }
        assertThat(keysOf(store.list(bucket, ListQuery.prefix("", 100))))
                .containsExactly(".", "..", "./a", "a", "a/", "a/../b", "a/./b", "a//b", "a/b", "a/b/c");
        assertThat(store.list(bucket, new ListQuery("a/", "", "/", 100)).commonPrefixes())
                .containsExactly("a/../", "a/./", "a//", "a/b/");
    }

    @Test
    void listingOrderIsUtf8BytesNotUtf16Units() throws Exception {
        // U+FFFD is EF BF BD in UTF-8, the emoji F0 9F 8E A5; in UTF-16 the emoji's surrogate D83C sorts first.
        for (String key : List.of("\uD83C\uDFA5", "\uFFFD", "\uE000", "z")) {
            store.put(bucket, key, new byte[] {1}, PutOptions.of(null));
        }

        assertThat(keysOf(store.list(bucket, ListQuery.prefix("", 10))))
                .containsExactly("z", "\uE000", "\uFFFD", "\uD83C\uDFA5");
    }

    @Test
    void everyFileNameFitsThe255ByteLimitAndIsAscii() throws Exception {
        String key = "\uD83C\uDFA5".repeat(150) + "/" + "long.name".repeat(40);

        store.put(bucket, key, new byte[] {5}, PutOptions.of(null));

        try (Stream<Path> files = Files.walk(root.resolve(bucket))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .allSatisfy(name -> {
                        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
                        assertThat(name.chars().allMatch(c -> c < 0x80)).as(name).isTrue();
                    });
        }
        assertThat(read(key)).containsExactly(5);
        assertThat(keysOf(store.list(bucket, ListQuery.prefix("", 10)))).containsExactly(key);
    }

    @Test
    void leftoverTemporaryFilesAreNeverListedAndAreRemovedOnOpen() throws Exception {
        store.put(bucket, "ch/1.ts", new byte[] {1}, PutOptions.of(null));
        Path dir = root.resolve(bucket).resolve("ch");
        Path leftover = dir.resolve(".tmp-killed-write");
        Files.write(leftover, new byte[] {'L', 'C', 'O'});

        assertThat(keysOf(store.list(bucket, ListQuery.prefix("", 10)))).containsExactly("ch/1.ts");
        FileSystemObjectStore reopened = new FileSystemObjectStore(root);

        assertThat(Files.exists(leftover)).isFalse();
        assertThat(keysOf(reopened.list(bucket, ListQuery.prefix("", 10)))).containsExactly("ch/1.ts");
    }

    @Test
    void replacingAnObjectLeavesOnlyTheNewOneAndAReaderOfTheOldOneKeepsReadingIt() throws Exception {
        store.put(bucket, "ch/playlist.m3u8", bytes(300, 1), PutOptions.of(null));
        try (ObjectStream old = store.get(bucket, "ch/playlist.m3u8", null)) {
            for (int version = 2; version <= 20; version++) {
                store.put(bucket, "ch/playlist.m3u8", bytes(300, version), PutOptions.of(null));
            }
            assertThat(old.content().readAllBytes()).isEqualTo(bytes(300, 1));
        }
        try (ObjectStream now = store.get(bucket, "ch/playlist.m3u8", null)) {
            assertThat(now.content().readAllBytes()).isEqualTo(bytes(300, 20));
        }
        assertThat(keysOf(store.list(bucket, ListQuery.prefix("", 10)))).containsExactly("ch/playlist.m3u8");
        try (Stream<Path> files = Files.list(root.resolve(bucket).resolve("ch"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("files beside the object").hasSize(1)
                    .noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    @Test
    void aTruncatedObjectFileIsReportedAsAnIoErrorNotServed() throws Exception {
        store.put(bucket, "seg.ts", bytes(1000, 1), PutOptions.of(null));
        Path file;
        try (Stream<Path> files = Files.walk(root.resolve(bucket))) {
            file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 10));

        assertKind(() -> store.get(bucket, "seg.ts", null), StorageException.Kind.IO);
    }

    /** Earlier versions padded directly written files to a block: a user upgrading keeps those objects. */
    @Test
    void anEarlierVersionsBlockPaddingAfterTheContentIsIgnoredUpToItsLimit() throws Exception {
        byte[] content = bytes(10_000, 2);
        StoredObject stored = store.put(bucket, "ch/old.ts", content, PutOptions.liveOutput("video/MP2T"));
        Path file = StoreFiles.objectFile(root.resolve(bucket), "ch/old.ts");
        Files.write(file, new byte[4096 - (int) (Files.size(file) % 4096)], StandardOpenOption.APPEND);

        assertThat(read("ch/old.ts")).isEqualTo(content);
        assertThat(store.head(bucket, "ch/old.ts")).contains(stored);
        assertThat(store.list(bucket, ListQuery.prefix("ch/", 10)).objects()).containsExactly(stored);

        Files.write(file, new byte[ObjectFile.LEGACY_PADDING_BYTES], StandardOpenOption.APPEND);
        assertKind(() -> store.get(bucket, "ch/old.ts", null), StorageException.Kind.IO);
    }

    @Test
    void lengthThatDoesNotMatchTheStreamStoresNothing() throws IOException {
        assertKind(() -> store.put(bucket, "short", new java.io.ByteArrayInputStream(new byte[3]), 5,
                PutOptions.of(null)), StorageException.Kind.IO);
        try (Stream<Path> files = Files.walk(root.resolve(bucket))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
