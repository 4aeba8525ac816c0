package io.livechannel.storage.fs;

import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.livechannel.storage.fs.StoreFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A direct write that the device holds up: the put stops waiting after the store's patience, writes the object
 * through the page cache instead, and the held write, once the device lets it go, deletes its file without touching
 * the object. Writes are held at the end of {@link DirectWriter#writeFile} (the part that waits for the device),
 * their file written, until the test lets them go; the store's clock for pauses is set by hand. Waits in these
 * tests are bounds against a hang, not timings: a put that should return does so after the 20 ms patience,
 * whatever the machine's load.
 */
class StalledDirectWriteTest {
    private static final String BUCKET = "live";
    private static final PutOptions SEGMENT = PutOptions.liveOutput("video/MP2T");
    private static final PutOptions PLAYLIST = PutOptions.liveOutput("application/x-mpegURL");

    @TempDir
    Path tmp;
    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    /** Directories (by name) whose direct writes wait for {@link #release}, and the writes that entered. */
    private final List<String> stalledDirs = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    /** The file of the last write that was held. */
    private final AtomicReference<Path> held = new AtomicReference<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private FileSystemObjectStore store;
    private int blockSize;

    @AfterEach
    void close() {
        release.countDown();
        callers.shutdownNow();
        if (store != null) {
            store.close();
        }
    }

    private FileSystemObjectStore open(FsyncPolicy fsync) throws Exception {
        blockSize = (int) Files.getFileStore(tmp).getBlockSize();
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), fsync,
                dir -> new DirectWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing) throws IOException {
                        super.writeFile(file, aligned, force, existing);
                        if (stalledDirs.contains(file.getParent().getFileName().toString())) {
                            held.set(file);
                            entered.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new InterruptedIOException();
                            }
                        }
                    }
                }, nanos::get);
        store.createBucket(BUCKET);
        for (String dir : List.of("stalled", "fast")) {
            Files.createDirectories(bucketDir().resolve(dir)); // so that each put is a single attempt
        }
        return store;
    }

    @Test
    void aPutWhoseDirectWriteStallsIsWrittenThroughThePageCacheAndTheStalledWriteLeavesNothing() throws Exception {
        open(FsyncPolicy.DEFAULT);
        byte[] v1 = bytes(300, 1);
        byte[] v2 = bytes(400, 2);
        store.put(BUCKET, "stalled/index.m3u8", ByteBuffer.wrap(v1), PLAYLIST);
        assertThat(fileBytes("stalled/index.m3u8") % blockSize).as("v1 direct").isZero();
        stalledDirs.add("stalled");

        Future<?> put = callers.submit(() -> store.put(BUCKET, "stalled/index.m3u8", ByteBuffer.wrap(v2), PLAYLIST));
        put.get(30, TimeUnit.SECONDS); // returns while the direct write is held

        assertThat(entered.getCount()).as("the direct write was tried").isZero();
        assertThat(read("stalled/index.m3u8")).isEqualTo(v2);
        assertThat(fileBytes("stalled/index.m3u8") % blockSize).as("v2 through the page cache: unpadded").isNotZero();
        assertThat(held.get()).as("the held write's file, still being written").exists();
        assertThat(temporaryFiles()).as("no other leftover").isSubsetOf(held.get());

        release.countDown();
        awaitAbandonedWritesEnded();
        assertThat(held.get()).as("the held write deleted its file").doesNotExist();
        assertThat(temporaryFiles()).isEmpty();
        assertThat(read("stalled/index.m3u8")).as("the late write replaced nothing").isEqualTo(v2);
        assertThat(fileBytes("stalled/index.m3u8") % blockSize).isNotZero();
    }

    @Test
    void whileAStalledWriteIsUnderWayLiveOutputGoesThroughThePageCacheThenDirectAfterAPause() throws Exception {
        open(FsyncPolicy.DEFAULT);
        byte[] content = bytes(1000, 3);
        stalledDirs.add("stalled");
        callers.submit(() -> store.put(BUCKET, "stalled/1.ts", ByteBuffer.wrap(content), SEGMENT))
                .get(30, TimeUnit.SECONDS);

        store.put(BUCKET, "fast/1.ts", ByteBuffer.wrap(content), SEGMENT);
        assertThat(fileBytes("fast/1.ts") % blockSize).as("stalled write under way: page cache").isNotZero();

        long heldNanos = 500_000_000L;
        nanos.addAndGet(heldNanos); // the store's clock: the held write took half a second
        release.countDown();
        awaitAbandonedWritesEnded();
        store.put(BUCKET, "fast/2.ts", ByteBuffer.wrap(content), SEGMENT);
        nanos.addAndGet(ObjectFileWriter.PROBE_INTERVAL.toNanos() - 1);
        store.put(BUCKET, "fast/3.ts", ByteBuffer.wrap(content), SEGMENT);
        nanos.addAndGet(1);
        store.put(BUCKET, "fast/4.ts", ByteBuffer.wrap(content), SEGMENT);
        store.put(BUCKET, "fast/5.ts", ByteBuffer.wrap(content), SEGMENT);

        assertThat(fileBytes("fast/2.ts") % blockSize).as("paused after the stall").isNotZero();
        assertThat(fileBytes("fast/3.ts") % blockSize).as("still paused: no probe yet").isNotZero();
        assertThat(fileBytes("fast/4.ts") % blockSize).as("the probe: direct").isZero();
        assertThat(fileBytes("fast/5.ts") % blockSize).as("the probe was in time: pause over").isZero();
        for (String key : List.of("stalled/1.ts", "fast/1.ts", "fast/2.ts", "fast/3.ts", "fast/4.ts", "fast/5.ts")) {
            assertThat(read(key)).as(key).isEqualTo(content);
        }
        assertThat(store.writesLiveOutputDirect()).as("paused, never switched off").isTrue();
    }

    @Test
    void aForcedDirectWriteIsWaitedFor() throws Exception {
        open(FsyncPolicy.ALWAYS);
        byte[] content = bytes(1000, 4);
        stalledDirs.add("stalled");
        Future<?> put = callers.submit(() -> store.put(BUCKET, "stalled/1.ts", ByteBuffer.wrap(content), SEGMENT));
        entered.await(30, TimeUnit.SECONDS);

        assertThatThrownBy(() -> put.get(200, TimeUnit.MILLISECONDS)).as("ten times the patience: still waiting")
                .isInstanceOf(TimeoutException.class);
        release.countDown();
        put.get(30, TimeUnit.SECONDS);
        assertThat(fileBytes("stalled/1.ts") % blockSize).as("direct").isZero();
        assertThat(read("stalled/1.ts")).isEqualTo(content);
    }

    @Test
    void aDirectWriteThatFailsWithinThePatienceReportsItsFailure() throws Exception {
        DirectWriter writer = new DirectWriter(4096);
        try (DirectWriteThreads threads = new DirectWriteThreads(System::nanoTime, (f, t, e) -> { })) {
            ByteBuffer aligned = writer.fill(ObjectFile.layout("k", ByteBuffer.allocate(10), SEGMENT,
                    java.time.Instant.EPOCH));
            Path missingDir = tmp.resolve("no-such-dir").resolve("f");
            assertThatThrownBy(() -> threads.write(writer, missingDir, aligned, false, false, Duration.ofSeconds(30)
                    .toNanos())).isInstanceOf(java.nio.file.NoSuchFileException.class);
            assertThat(threads.abandonedUnderWay()).isZero();
        }
    }

    @Test
    void anInterruptedPutAbandonsItsDirectWriteWhichStillEndsAndIsCounted() throws Exception {
        DirectWriter held = new DirectWriter((int) Files.getFileStore(tmp).getBlockSize()) {
            @Override
            void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing) throws IOException {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                super.writeFile(file, aligned, force, existing);
            }
        };
        CompletableFuture<Path> lateEnd = new CompletableFuture<>();
        try (DirectWriteThreads threads = new DirectWriteThreads(System::nanoTime,
                (file, took, failure) -> lateEnd.complete(file))) {
            Path file = tmp.resolve("held");
            ByteBuffer aligned = held.fill(ObjectFile.layout("k", ByteBuffer.allocate(10), SEGMENT,
                    java.time.Instant.EPOCH));
            Thread caller = Thread.currentThread();
            callers.submit(() -> {
                entered.await();
                caller.interrupt();
                return null;
            });
            assertThatThrownBy(() -> threads.write(held, file, aligned, false, false, Duration.ofDays(1).toNanos()))
                    .isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            assertThat(threads.abandonedUnderWay()).isEqualTo(1);

            release.countDown();
            assertThat(lateEnd.get(30, TimeUnit.SECONDS)).isEqualTo(file);
            // the count goes down just after the late end is reported (so nobody sees zero before its pause)
            for (int i = 0; i < 3000 && threads.abandonedUnderWay() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(threads.abandonedUnderWay()).isZero();
            assertThat(file).as("deleted by the abandoned write").doesNotExist();
        }
    }

    private void awaitAbandonedWritesEnded() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.abandonedDirectWritesUnderWay() > 0) {
            assertThat(System.nanoTime() - deadline).as("held write still under way").isNegative();
            Thread.sleep(5);
        }
    }

    /** Temporary files but the replaced versions the store keeps for reuse and the spares made ahead of need. */
    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(bucketDir())) {
            return files.filter(p -> p.getFileName().toString().startsWith(FileSystemObjectStore.TEMP_PREFIX))
                    .filter(p -> !p.getFileName().toString().endsWith(FileSystemObjectStore.RETIRED_SUFFIX))
                    .filter(p -> !p.getFileName().toString().endsWith(FileSystemObjectStore.SPARE_SUFFIX))
                    .toList();
        }
    }

    private Path bucketDir() {
        return tmp.resolve("objects").resolve(BUCKET);
    }

    private long fileBytes(String key) throws StorageException, IOException {
        return Files.size(StoreFiles.objectFile(bucketDir(), key));
    }

    private byte[] read(String key) throws StorageException, IOException {
        try (ObjectStream s = store.get(BUCKET, key, null)) {
            return s.content().readAllBytes();
        }
    }
}
