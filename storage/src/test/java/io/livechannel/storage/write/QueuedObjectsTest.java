package io.livechannel.storage.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.cache.CachingObjectStore;
import io.livechannel.storage.cache.NotInMemoryException;
import io.livechannel.storage.fs.FileSystemObjectStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live output is readable from the moment the write queue accepts it: over the real filesystem store, whose puts a
 * test holds at a gate (a disk stalled behind writeback), read through the caching store as the API reads.
 */
class QueuedObjectsTest {
    private static final String BUCKET = "live";
    private static final String CHANNEL = "live/cam1";
    private static final PutOptions SEGMENT = PutOptions.liveOutput("video/MP2T");
    private static final PutOptions PLAYLIST = PutOptions.liveOutput("application/x-mpegURL");
    private static final int MAX_CACHED = 1024;

    @TempDir
    Path tmp;
    private FileSystemObjectStore files;
    private FlakyObjectStore gated;
    private QueuedObjects queued;
    private CachingObjectStore store;
    private ObjectStore memory;
    private ExecutorService executor;
    private ObjectWriteQueue queue;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger releases = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        files = new FileSystemObjectStore(tmp.resolve("objects"));
        files.createBucket(BUCKET);
        gated = new FlakyObjectStore(files);
        queued = new QueuedObjects(files);
        store = new CachingObjectStore(gated, MAX_CACHED, 1 << 20, queued);
        memory = store.memoryOnly();
        executor = Executors.newFixedThreadPool(2);
        queue = new ObjectWriteQueue(store, executor, new WriteQueueConfig(null, 100, 1 << 24, Duration.ofMillis(5),
                Duration.ofMillis(40), 3, Duration.ofSeconds(5)), queued);
    }

    @AfterEach
    void close() throws InterruptedException {
        gate.countDown();
        queue.close();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        store.close();
    }

    @Test
    void aPlaylistIsReadableOnceTheSegmentItListsIsStoredWhileItsOwnWriteIsHeld() throws Exception {
        byte[] segment = bytes('s', 3000);
        byte[] playlist = "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2.000,\n7.ts\n".getBytes(StandardCharsets.US_ASCII);
        gated.holdPutsUntil(gate);

        CompletableFuture<StoredObject> segmentWrite = submit("cam1/7.ts", segment, SEGMENT);
        CompletableFuture<StoredObject> playlistWrite = submit("cam1/playlist.m3u8", playlist, PLAYLIST);
        assertThat(gated.awaitHeldPut()).isTrue(); // the segment's write is held

        assertThat(store.head(BUCKET, "cam1/playlist.m3u8")).as("a playlist listing an unstored segment").isEmpty();
        assertThatThrownBy(() -> memory.get(BUCKET, "cam1/playlist.m3u8", null))
                .isSameAs(NotInMemoryException.INSTANCE);
        assertThat(whole(store, "cam1/7.ts")).isEqualTo(segment); // heading its lane: readable while written
        assertThatThrownBy(() -> memory.get(BUCKET, "cam1/7.ts", null)) // too big to copy on an event loop
                .isSameAs(NotInMemoryException.INSTANCE);
        StoredObject segmentShownEarly = store.head(BUCKET, "cam1/7.ts").orElseThrow();

        CountDownLatch playlistGate = new CountDownLatch(1);
        gated.holdPutsUntil(playlistGate);
        gate.countDown(); // the segment lands; the playlist's write is then held
        StoredObject segmentStored = segmentWrite.get(20, TimeUnit.SECONDS);
        assertThat(gated.awaitHeldPut()).isTrue();

        assertThat(files.head(BUCKET, "cam1/7.ts")).isPresent();
        assertThat(files.head(BUCKET, "cam1/playlist.m3u8")).isEmpty(); // really not on disk yet
        assertThat(whole(memory, "cam1/playlist.m3u8")).isEqualTo(playlist); // on the event loop's path
        StoredObject shownEarly = store.head(BUCKET, "cam1/playlist.m3u8").orElseThrow();

        playlistGate.countDown();
        StoredObject stored = playlistWrite.get(20, TimeUnit.SECONDS);

        assertThat(shownEarly.etag()).isEqualTo(stored.etag());
        assertThat(segmentShownEarly.etag()).isEqualTo(segmentStored.etag());
        assertThat(shownEarly.size()).isEqualTo(stored.size());
        assertThat(shownEarly.contentType()).isEqualTo(stored.contentType());
        assertThat(queued.size()).isZero();
        assertThat(releases).hasValue(2);
        assertThat(whole(memory, "cam1/playlist.m3u8")).isEqualTo(playlist); // stored, and still in memory
        assertThat(whole(store, "cam1/7.ts")).isEqualTo(segment);
    }

    @Test
    void theVersionBeingStoredIsReadAndNeverAnOlderOne() throws Exception {
        gated.holdPutsUntil(gate);
        submit("cam1/playlist.m3u8", "v1".getBytes(StandardCharsets.US_ASCII), PLAYLIST);
        assertThat(gated.awaitHeldPut()).isTrue(); // v1 is being written
        submit("cam1/playlist.m3u8", "v2".getBytes(StandardCharsets.US_ASCII), PLAYLIST);
        CompletableFuture<StoredObject> v3 = submit("cam1/playlist.m3u8", "v3".getBytes(StandardCharsets.US_ASCII),
                PLAYLIST);

        assertThat(whole(memory, "cam1/playlist.m3u8")).asString(StandardCharsets.US_ASCII).isEqualTo("v1");

        gate.countDown();
        v3.get(20, TimeUnit.SECONDS);
        assertThat(whole(memory, "cam1/playlist.m3u8")).asString(StandardCharsets.US_ASCII).isEqualTo("v3");
        assertThat(queued.size()).isZero();
        try (ObjectStream s = files.get(BUCKET, "cam1/playlist.m3u8", null)) {
            assertThat(s.content().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("v3");
        }
    }

    @Test
    void aReadCopiesTheBytesSoAReusedBufferNeverReachesAReader() throws Exception {
        byte[] segment = bytes('x', 2000);
        ByteBuffer pooled = ByteBuffer.allocateDirect(segment.length).put(segment).flip();
        gated.holdPutsUntil(gate);
        CompletableFuture<StoredObject> write = queue.submit(CHANNEL, BUCKET, "cam1/8.ts", pooled, SEGMENT, () -> {
            releases.incrementAndGet();
            pooled.clear().put(bytes('0', segment.length)); // the pool hands the buffer to the next segment
        });
        assertThat(gated.awaitHeldPut()).isTrue();
        ObjectStream early = store.get(BUCKET, "cam1/8.ts", null);

        gate.countDown();
        write.get(20, TimeUnit.SECONDS);

        try (early) {
            assertThat(early.content().readAllBytes()).isEqualTo(segment);
        }
        assertThat(whole(store, "cam1/8.ts")).isEqualTo(segment);
        assertThat(releases).hasValue(1);
    }

    @Test
    void aRefusedWriteIsNeverReadable() throws Exception {
        queue.close();
        CompletableFuture<StoredObject> refused = submit("cam1/9.ts", bytes('r', 10), SEGMENT);

        assertThat(refused).isCompletedExceptionally();
        assertThat(queued.queuedSize(BUCKET, "cam1/9.ts")).isEqualTo(-1);
        assertThatThrownBy(() -> memory.head(BUCKET, "cam1/9.ts")).isSameAs(NotInMemoryException.INSTANCE);
        assertThat(store.head(BUCKET, "cam1/9.ts")).isEmpty();
    }

    private CompletableFuture<StoredObject> submit(String key, byte[] content, PutOptions options) {
        return queue.submit(CHANNEL, BUCKET, key, ByteBuffer.wrap(content), options, releases::incrementAndGet);
    }

    private static byte[] bytes(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static byte[] whole(ObjectStore from, String key) throws Exception {
        try (ObjectStream s = from.get(BUCKET, key, null)) {
            return s.content().readAllBytes();
        }
    }
}
