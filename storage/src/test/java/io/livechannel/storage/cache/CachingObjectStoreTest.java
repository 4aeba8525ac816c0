package io.livechannel.storage.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.write.FlakyObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hot-object cache holds and when it lets go, over the real filesystem store. Files changed behind the
 * store's back show whether an answer came from memory; the memory-only view shows what is cached.
 */
class CachingObjectStoreTest {
    static final String BUCKET = "live";
    static final byte[] PLAYLIST = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:41\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    FileSystemObjectStore files;
    CachingObjectStore store;
    ObjectStore memory;

    @BeforeEach
    void open() throws Exception {
        files = new FileSystemObjectStore(tmp.resolve("objects"));
        store = new CachingObjectStore(files, 1024, 4 * (1024 + HotObjectCache.ENTRY_OVERHEAD));
        memory = store.memoryOnly();
        store.createBucket(BUCKET);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aWholeGetCachesTheObjectForGetsHeadsAndRanges() throws Exception {
        upload("cam1/playlist.m3u8", PLAYLIST, PutOptions.of("application/x-mpegURL"));
        assertNotCached("cam1/playlist.m3u8");

        assertThat(whole(store, "cam1/playlist.m3u8")).isEqualTo(PLAYLIST);

        assertThat(whole(memory, "cam1/playlist.m3u8")).isEqualTo(PLAYLIST);
        assertThat(memory.head(BUCKET, "cam1/playlist.m3u8")).isEqualTo(files.head(BUCKET, "cam1/playlist.m3u8"));
        try (ObjectStream range = memory.get(BUCKET, "cam1/playlist.m3u8", new ByteRange(1, 1000))) {
            assertThat(range.range()).isEqualTo(new ByteRange(1, PLAYLIST.length - 1));
            assertThat(range.content().readAllBytes()).isEqualTo(Arrays.copyOfRange(PLAYLIST, 1, PLAYLIST.length));
        }
        assertThatThrownBy(() -> memory.get(BUCKET, "cam1/playlist.m3u8", new ByteRange(PLAYLIST.length, 99)))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INVALID_RANGE));
    }

    @Test
    void cachedObjectsAreServedFromMemoryEvenWhenTheFileChangesBehindTheStore() throws Exception {
        store.put(BUCKET, "p.m3u8", PLAYLIST, PutOptions.of(null));
        whole(store, "p.m3u8");
        try (Stream<Path> all = Files.walk(tmp.resolve("objects"))) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }

        assertThat(whole(store, "p.m3u8")).isEqualTo(PLAYLIST);
        assertThat(store.head(BUCKET, "p.m3u8")).isPresent();
    }

    /**
     * Two nodes' caches over one store (a cluster on a shared bucket): with the cluster's maximum age, what one
     * node writes or deletes is what the other serves within it, whether the other had the object cached from a
     * read or from its own earlier write.
     */
    @Test
    void onAClusterAnotherNodesPutOrDeleteIsServedWithinTheMaximumAge() throws Exception {
        CachingObjectStore nodeA = new CachingObjectStore(files, 1024, 1 << 20, null, CachingObjectStore.SHARED_MAX_AGE);
        CachingObjectStore nodeB = new CachingObjectStore(files, 1024, 1 << 20, null, CachingObjectStore.SHARED_MAX_AGE);
        byte[] second = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:42\n".getBytes(StandardCharsets.US_ASCII);
        byte[] third = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:43\n".getBytes(StandardCharsets.US_ASCII);
        nodeA.put(BUCKET, "cam1/playlist.m3u8", PLAYLIST, PutOptions.of(null));
        assertThat(whole(nodeB, "cam1/playlist.m3u8"))
                .isEqualTo(PLAYLIST);
        assertThat(whole(nodeB.memoryOnly(), "cam1/playlist.m3u8")).as("cached on B").isEqualTo(PLAYLIST);

        long seen = millisUntilServed(nodeB, () -> nodeA.put(BUCKET, "cam1/playlist.m3u8", second, PutOptions.of(null)),
                second);
        long ownCopySeen = millisUntilServed(nodeB, () -> { // B's own write-through copy ages out the same way
            nodeB.put(BUCKET, "cam1/playlist.m3u8", PLAYLIST, PutOptions.of(null));
            nodeA.put(BUCKET, "cam1/playlist.m3u8", third, PutOptions.of(null));
        }, third);
        assertThat(List.of(seen, ownCopySeen)).allSatisfy(ms -> assertThat(ms).isLessThan(1000));

        nodeA.delete(BUCKET, "cam1/playlist.m3u8");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (nodeB.head(BUCKET, "cam1/playlist.m3u8").isPresent()) {
            assertThat(System.nanoTime()).as("deleted on A, still served by B").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** Runs {@code write} (on another node) and returns how long {@code reader} went on serving something else. */
    private static long millisUntilServed(ObjectStore reader, StoreAction write, byte[] expected) throws Exception {
        write.run();
        long start = System.nanoTime();
        while (!Arrays.equals(whole(reader, "cam1/playlist.m3u8"), expected)) {
            assertThat(System.nanoTime() - start).as("not served within 5 s").isLessThan(TimeUnit.SECONDS.toNanos(5));
            Thread.onSpinWait();
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private interface StoreAction {
        void run() throws Exception;
    }

    @Test
    void aPutFromMemoryCachesWhatItStoredAndAStreamPutOrDeleteInvalidates() throws Exception {
        byte[] second = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:42\n".getBytes(StandardCharsets.US_ASCII);
        byte[] third = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:43\n".getBytes(StandardCharsets.US_ASCII);
        byte[] fourth = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:44\n".getBytes(StandardCharsets.US_ASCII);
        store.put(BUCKET, "p.m3u8", PLAYLIST, PutOptions.of(null));
        assertThat(whole(memory, "p.m3u8")).isEqualTo(PLAYLIST);

        store.put(BUCKET, "p.m3u8", ByteBuffer.wrap(second), PutOptions.liveOutput("application/x-mpegURL"));
        assertThat(whole(memory, "p.m3u8")).isEqualTo(second);
        assertThat(memory.head(BUCKET, "p.m3u8")).isEqualTo(files.head(BUCKET, "p.m3u8"));

        upload("p.m3u8", third, PutOptions.of(null));
        assertNotCached("p.m3u8");
        assertThat(whole(store, "p.m3u8")).isEqualTo(third);

        store.put(BUCKET, "p.m3u8", fourth, PutOptions.of(null));
        store.delete(BUCKET, "p.m3u8");
        assertNotCached("p.m3u8");
        assertThat(store.head(BUCKET, "p.m3u8")).isEmpty();
        assertThatThrownBy(() -> store.get(BUCKET, "p.m3u8", null)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.NO_SUCH_KEY));
    }

    /**
     * Two puts of one key at once: which rename the disk applied last is not known here, so neither version may be
     * cached; the next read goes to the store and gets what it holds.
     */
    @Test
    void overlappingPutsOfOneKeyLeaveNothingCached() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        byte[] slow = "slow".getBytes(StandardCharsets.US_ASCII);
        byte[] fast = "fast".getBytes(StandardCharsets.US_ASCII);
        FlakyObjectStore disk = new FlakyObjectStore(files);
        CachingObjectStore gatedStore = new CachingObjectStore(disk, 1024, 1 << 20);
        disk.holdPutsUntil(gate);
        CompletableFuture<StoredObject> slowPut = CompletableFuture.supplyAsync(() -> {
            try {
                return gatedStore.put(BUCKET, "p.m3u8", slow, PutOptions.of(null));
            } catch (StorageException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(disk.awaitHeldPut()).isTrue();
        disk.holdPutsUntil(null); // only the first put waits

        gatedStore.put(BUCKET, "p.m3u8", fast, PutOptions.of(null));
        assertThatThrownBy(() -> gatedStore.memoryOnly().head(BUCKET, "p.m3u8"))
                .isSameAs(NotInMemoryException.INSTANCE);
        gate.countDown();
        slowPut.get(20, TimeUnit.SECONDS);

        assertThatThrownBy(() -> gatedStore.memoryOnly().head(BUCKET, "p.m3u8"))
                .isSameAs(NotInMemoryException.INSTANCE);
        assertThat(whole(gatedStore, "p.m3u8")).isEqualTo(slow); // the store's last version, now cached
        assertThat(whole(gatedStore.memoryOnly(), "p.m3u8")).isEqualTo(slow);
    }

    @Test
    void aFailedPutStillInvalidates() throws Exception {
        store.put(BUCKET, "p.m3u8", PLAYLIST, PutOptions.of(null));
        whole(store, "p.m3u8");

        assertThatThrownBy(() -> store.put(BUCKET, "p.m3u8", new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }
        }, 10, PutOptions.of(null))).isInstanceOf(StorageException.class);

        assertNotCached("p.m3u8");
        assertThat(whole(store, "p.m3u8")).isEqualTo(PLAYLIST);
    }

    @Test
    void deletingABucketForgetsItsObjects() throws Exception {
        store.createBucket("other");
        store.put("other", "p.m3u8", PLAYLIST, PutOptions.of(null));
        whole(store, "other", "p.m3u8");
        store.put(BUCKET, "p.m3u8", PLAYLIST, PutOptions.of(null));
        whole(store, "p.m3u8");
        store.delete("other", "p.m3u8");
        store.deleteBucket("other");

        assertThatThrownBy(() -> memory.head("other", "p.m3u8")).isSameAs(NotInMemoryException.INSTANCE);
        assertThat(memory.head(BUCKET, "p.m3u8")).isPresent();
    }

    @Test
    void objectsOverTheSizeLimitAndRangedReadsAreNotCached() throws Exception {
        byte[] big = new byte[1025];
        store.put(BUCKET, "seg.ts", big, PutOptions.of(null));
        upload("p.m3u8", PLAYLIST, PutOptions.of(null));

        assertThat(whole(store, "seg.ts")).isEqualTo(big);
        try (ObjectStream s = store.get(BUCKET, "p.m3u8", new ByteRange(0, 3))) {
            assertThat(s.content().readAllBytes()).hasSize(4);
        }

        assertNotCached("seg.ts");
        assertNotCached("p.m3u8");
        assertThat(store.cachedBytes()).isZero();
    }

    @Test
    void totalBytesStayWithinTheLimit() throws Exception {
        for (int i = 0; i < 10; i++) {
            store.put(BUCKET, "p" + i, new byte[1000], PutOptions.of(null));
            whole(store, "p" + i);
        }

        assertThat(store.cachedBytes()).isLessThanOrEqualTo(4 * (1024 + HotObjectCache.ENTRY_OVERHEAD))
                .isGreaterThanOrEqualTo(1000 + HotObjectCache.ENTRY_OVERHEAD);
        assertThat(whole(memory, "p9")).hasSize(1000); // the newest one is kept
    }

    @Test
    void aFillThatReadBeforeAWriteIsNotInstalledAfterIt() throws Exception {
        byte[] second = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:42\n".getBytes(StandardCharsets.US_ASCII);
        store.put(BUCKET, "p.m3u8", PLAYLIST, PutOptions.of(null));
        HotObjectCache.Id id = new HotObjectCache.Id(BUCKET, "p.m3u8");
        HotObjectCache cache = new HotObjectCache(1 << 20);
        long before = cache.generation(id);
        StoredObject old = files.head(BUCKET, "p.m3u8").orElseThrow();

        cache.invalidate(id); // a write of the same key runs between the fill's read and its install
        files.put(BUCKET, "p.m3u8", second, PutOptions.of(null));
        cache.invalidate(id);
        cache.install(id, new HotObjectCache.Entry(old, PLAYLIST, System.nanoTime()), before);

        assertThat(cache.peek(id)).isNull();
        cache.install(id, new HotObjectCache.Entry(old, PLAYLIST, System.nanoTime()), cache.generation(id));
        assertThat(cache.peek(id)).isNotNull();
    }

    @Test
    void theMemoryOnlyViewRefusesEverythingElse() {
        assertThatThrownBy(() -> memory.get(BUCKET, "never-read", null)).isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(() -> memory.head(BUCKET, "never-read")).isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(() -> memory.put(BUCKET, "k", PLAYLIST, PutOptions.of(null)))
                .isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(() -> memory.delete(BUCKET, "k")).isSameAs(NotInMemoryException.INSTANCE);
        assertThatThrownBy(() -> memory.createBucket("b")).isSameAs(NotInMemoryException.INSTANCE);
    }

    /**
     * A write method added to {@link ObjectStore} later (say a {@code put} of a {@code ByteBuffer}) must be
     * overridden here, or a store-specific override of it would be bypassed; this lists what is not.
     */
    @Test
    void everyObjectStoreMethodIsOverridden() {
        List<String> missing = Arrays.stream(ObjectStore.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !declares(CachingObjectStore.class, m))
                .map(Method::toString)
                .toList();

        assertThat(missing).isEmpty();
    }

    private static boolean declares(Class<?> type, Method m) {
        try {
            type.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** A put as the API's PutObject streams it: not cached until read. */
    private void upload(String key, byte[] content, PutOptions options) throws StorageException {
        store.put(BUCKET, key, new ByteArrayInputStream(content), content.length, options);
    }

    private void assertNotCached(String key) {
        assertThatThrownBy(() -> memory.head(BUCKET, key)).isSameAs(NotInMemoryException.INSTANCE);
    }

    private static byte[] whole(ObjectStore from, String key) throws Exception {
        return whole(from, BUCKET, key);
    }

    private static byte[] whole(ObjectStore from, String bucket, String key) throws Exception {
        try (ObjectStream s = from.get(bucket, key, null)) {
            return s.content().readAllBytes();
        }
    }
}
