package io.livechannel.storage.fs;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.livechannel.storage.fs.StoreFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DirectIo}: live output written with {@code O_DIRECT} (padded to a block, read back exactly), uploads and
 * {@link DirectIo#NEVER} through the page cache (no padding). The temporary directory is on the build machine's
 * disk file system, which takes {@code O_DIRECT} (ext4 here and in CI); {@link #theBuildDiskTakesDirectWrites}
 * says so when that stops being true, rather than the other tests passing without writing directly.
 */
class DirectIoTest {
    private static final String BUCKET = "live";
    private static final PutOptions SEGMENT = PutOptions.liveOutput("video/MP2T");

    @TempDir
    Path tmp;
    private FileSystemObjectStore store;
    private int blockSize;

    @BeforeEach
    void open() throws Exception {
        // with no limit on the wait for a direct write: a loaded machine may take longer than the production
        // patience for a large object, and these tests are about what a direct write leaves on disk
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), FsyncPolicy.DEFAULT,
                DirectWriter::probe, System::nanoTime, Duration.ofDays(1));
        store.createBucket(BUCKET);
        blockSize = (int) Files.getFileStore(tmp).getBlockSize();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theBuildDiskTakesDirectWrites() throws Exception {
        assertThat(store.writesLiveOutputDirect()).as("O_DIRECT under " + tmp).isTrue();
        FileSystemObjectStore auto = new FileSystemObjectStore(tmp.resolve("auto"), Clock.systemUTC(),
                FsyncPolicy.DEFAULT, DirectIo.AUTO);
        try {
            assertThat(auto.writesLiveOutputDirect()).as("DirectIo.AUTO under " + tmp).isTrue();
        } finally {
            auto.close();
        }
    }

    /** Sizes around block boundaries, past the first pooled buffer (1 MiB), past pooling, past direct writes. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3_900, 4_096, 4_097, 65_536, 1_048_577, 5_000_000, 17_000_000})
    void liveOutputReadsBackExactlyWhateverItsPadding(int size) throws Exception {
        byte[] content = bytes(size, size);
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(size, 1)).put(content).flip();

        StoredObject stored = store.put(BUCKET, "ch/" + size + ".ts", direct, SEGMENT);

        assertThat(direct.remaining()).as("the caller's buffer is not moved").isEqualTo(size);
        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.etag()).isEqualTo(ObjectFile.etag(ByteBuffer.wrap(content), SEGMENT));
        assertThat(read("ch/" + size + ".ts", null)).isEqualTo(content);
        assertThat(store.head(BUCKET, "ch/" + size + ".ts").orElseThrow()).isEqualTo(stored);
        assertThat(store.list(BUCKET, ListQuery.prefix("ch/" + size + ".", 10)).objects())
                .singleElement().satisfies(o -> assertThat(o.size()).isEqualTo(size));
        if (size > 0) {
            assertThat(read("ch/" + size + ".ts", new ByteRange(size - 1, size - 1)))
                    .containsExactly(content[size - 1]);
        }
        long fileBytes = Files.size(file("ch/" + size + ".ts"));
        if (size < DirectWriter.MAX_OBJECT_BYTES - 2 * blockSize) {
            assertThat(fileBytes % blockSize).as("a direct write ends on a block boundary").isZero();
            assertThat(fileBytes - size).as("header and padding").isLessThan(ObjectFile.MAX_HEADER_BYTES + blockSize);
        } else {
            assertThat(fileBytes - size).as("too large to write directly: header only, no padding")
                    .isLessThan(ObjectFile.MAX_HEADER_BYTES);
        }
    }

    @Test
    void uploadsAndNeverGoThroughThePageCacheWithoutPadding() throws Exception {
        byte[] content = bytes(1000, 7);
        store.put(BUCKET, "upload.ts", ByteBuffer.wrap(content), PutOptions.of("video/MP2T"));
        FileSystemObjectStore never = new FileSystemObjectStore(tmp.resolve("never"), Clock.systemUTC(),
                FsyncPolicy.DEFAULT, DirectIo.NEVER);
        try {
            never.createBucket(BUCKET);
            never.put(BUCKET, "live.ts", ByteBuffer.wrap(content), SEGMENT);

            assertThat(never.writesLiveOutputDirect()).isFalse();
            long neverBytes = Files.size(StoreFiles.objectFile(tmp.resolve("never").resolve(BUCKET), "live.ts"));
            long uploadBytes = Files.size(file("upload.ts"));
            assertThat(neverBytes % blockSize).as("no padding").isNotZero();
            assertThat(uploadBytes % blockSize).as("no padding").isNotZero();
            try (ObjectStream s = never.get(BUCKET, "live.ts", null)) {
                assertThat(s.content().readAllBytes()).isEqualTo(content);
            }
        } finally {
            never.close();
        }
    }

    @Test
    void aDirectWrittenFileCutInsideItsContentIsAnIoError() throws Exception {
        store.put(BUCKET, "seg.ts", ByteBuffer.wrap(bytes(10_000, 2)), SEGMENT);
        Path file = file("seg.ts");
        long cut = Files.size(file) - blockSize; // loses the padding and the content's last bytes
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }

        assertThatThrownBy(() -> store.get(BUCKET, "seg.ts", null)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.IO));
    }

    @Test
    void paddingOfAWholeBlockSizeLimitOrMoreIsAnIoError() throws Exception {
        store.put(BUCKET, "seg.ts", ByteBuffer.wrap(bytes(10_000, 2)), SEGMENT);
        Path file = file("seg.ts");
        Files.write(file, new byte[DirectWriter.MAX_BLOCK_BYTES], StandardOpenOption.APPEND);

        assertThatThrownBy(() -> store.get(BUCKET, "seg.ts", null)).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.IO));
    }

    /**
     * A direct write the file system refuses (here: padded to 512 bytes where the JDK and the disk want whole
     * 4 KiB blocks, as on a bucket directory mounted from another file system) is written through the page cache,
     * and so is live output from then on.
     */
    @Test
    void aRefusedDirectWriteIsWrittenThroughThePageCacheAndDirectWritesStop() throws Exception {
        assertThat(blockSize).as("needs a file system whose block is larger than 512 bytes").isGreaterThan(512);
        FileSystemObjectStore misaligned = new FileSystemObjectStore(tmp.resolve("misaligned"), Clock.systemUTC(),
                FsyncPolicy.DEFAULT, dir -> new DirectWriter(512), System::nanoTime);
        try {
            misaligned.createBucket(BUCKET);
            assertThat(misaligned.writesLiveOutputDirect()).isTrue();
            byte[] first = bytes(1000, 5);
            byte[] second = bytes(2000, 6);

            StoredObject stored = misaligned.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(first), SEGMENT);
            misaligned.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(second), SEGMENT);

            assertThat(stored.size()).isEqualTo(first.length);
            assertThat(misaligned.writesLiveOutputDirect()).isFalse();
            for (String key : List.of("ch/1.ts", "ch/2.ts")) {
                long fileBytes = Files.size(StoreFiles.objectFile(tmp.resolve("misaligned").resolve(BUCKET), key));
                assertThat(fileBytes % 512).as(key + " not padded").isNotZero();
            }
            try (ObjectStream s = misaligned.get(BUCKET, "ch/1.ts", null)) {
                assertThat(s.content().readAllBytes()).isEqualTo(first);
            }
            try (Stream<Path> files = Files.list(tmp.resolve("misaligned").resolve(BUCKET).resolve("ch"))) {
                assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                        .noneMatch(name -> name.startsWith(".tmp-")
                                && !name.endsWith(FileSystemObjectStore.SPARE_SUFFIX));
            }
        } finally {
            misaligned.close();
        }
    }

    /**
     * A direct write that takes {@link ObjectFileWriter#SLOW_DIRECT_WRITE} (a disk stalled by other I/O; here
     * the writer moves the store's clock on) sends live output through the page cache, unpadded, for up to
     * {@link ObjectFileWriter#PAUSE_PER_SLOW_WRITE_TIME} times as long. Every
     * {@link ObjectFileWriter#PROBE_INTERVAL} one put is written directly as a probe: a slow one extends the
     * pause, one the disk takes in time ends it, and live output is written directly again.
     */
    @Test
    void afterASlowDirectWriteLiveOutputGoesThroughThePageCacheForAWhile() throws Exception {
        AtomicLong nanos = new AtomicLong(-1_000_000_000L); // nanoTime may be negative
        FileSystemObjectStore slowDisk = new FileSystemObjectStore(tmp.resolve("slow"), Clock.systemUTC(),
                FsyncPolicy.DEFAULT, dir -> new DirectWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing) throws IOException {
                        super.writeFile(file, aligned, force, existing);
                        if (file.getParent().getFileName().toString().equals("stalled")) {
                            nanos.addAndGet(ObjectFileWriter.SLOW_DIRECT_WRITE.toNanos());
                        }
                    }
                }, nanos::get);
        try {
            slowDisk.createBucket(BUCKET);
            Path bucketDir = tmp.resolve("slow").resolve(BUCKET);
            byte[] content = bytes(1000, 3);

            long probeInterval = ObjectFileWriter.PROBE_INTERVAL.toNanos();
            slowDisk.put(BUCKET, "fast/0.ts", ByteBuffer.wrap(content), SEGMENT);
            slowDisk.put(BUCKET, "stalled/1.ts", ByteBuffer.wrap(content), SEGMENT); // slow: paused
            slowDisk.put(BUCKET, "fast/1.ts", ByteBuffer.wrap(content), SEGMENT);
            nanos.addAndGet(probeInterval - 1);
            slowDisk.put(BUCKET, "fast/2.ts", ByteBuffer.wrap(content), SEGMENT);
            nanos.addAndGet(1);
            slowDisk.put(BUCKET, "stalled/2.ts", ByteBuffer.wrap(content), SEGMENT); // the probe, slow: still paused
            slowDisk.put(BUCKET, "fast/3.ts", ByteBuffer.wrap(content), SEGMENT);
            nanos.addAndGet(probeInterval);
            slowDisk.put(BUCKET, "fast/4.ts", ByteBuffer.wrap(content), SEGMENT); // the next probe, in time: over
            slowDisk.put(BUCKET, "fast/5.ts", ByteBuffer.wrap(content), SEGMENT);

            for (String key : List.of("fast/0.ts", "stalled/1.ts", "stalled/2.ts", "fast/4.ts", "fast/5.ts")) {
                assertThat(Files.size(StoreFiles.objectFile(bucketDir, key)) % blockSize).as(key + " direct").isZero();
            }
            for (String key : List.of("fast/1.ts", "fast/2.ts", "fast/3.ts")) {
                assertThat(Files.size(StoreFiles.objectFile(bucketDir, key)) % blockSize).as(key + " buffered")
                        .isNotZero();
                try (ObjectStream s = slowDisk.get(BUCKET, key, null)) {
                    assertThat(s.content().readAllBytes()).isEqualTo(content);
                }
            }
            assertThat(slowDisk.writesLiveOutputDirect()).as("paused, not switched off").isTrue();
        } finally {
            slowDisk.close();
        }
    }

    /**
     * Two slow direct writes under way together (held inside the writer; the store's clock is set by hand): the
     * long one ends first and pauses direct writes for 4 times its duration; the short one, ending inside that
     * pause, does not cut it short.
     */
    @Test
    void aShorterSlowWriteEndingInsideAPauseDoesNotShortenIt() throws Exception {
        long slow = ObjectFileWriter.SLOW_DIRECT_WRITE.toNanos();
        long factor = ObjectFileWriter.PAUSE_PER_SLOW_WRITE_TIME;
        AtomicLong nanos = new AtomicLong();
        Map<String, CountDownLatch> entered = Map.of("long", new CountDownLatch(1), "short", new CountDownLatch(1));
        Map<String, CountDownLatch> go = Map.of("long", new CountDownLatch(1), "short", new CountDownLatch(1));
        FileSystemObjectStore slowDisk = new FileSystemObjectStore(tmp.resolve("overlap"), Clock.systemUTC(),
                FsyncPolicy.DEFAULT, dir -> new DirectWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing) throws IOException {
                        String lane = file.getParent().getFileName().toString();
                        if (go.containsKey(lane)) {
                            entered.get(lane).countDown();
                            try {
                                go.get(lane).await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IOException(e);
                            }
                        }
                        super.writeFile(file, aligned, force, existing);
                    }
                }, nanos::get, Duration.ofHours(1)); // held writes are waited for, not abandoned
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            slowDisk.createBucket(BUCKET);
            Path bucketDir = tmp.resolve("overlap").resolve(BUCKET);
            // the directories exist, so each held put is one attempt (a first put into a new directory retries)
            Files.createDirectories(bucketDir.resolve("long"));
            Files.createDirectories(bucketDir.resolve("short"));
            byte[] content = bytes(1000, 4);

            Future<StoredObject> longWrite = threads.submit(() ->
                    slowDisk.put(BUCKET, "long/1.ts", ByteBuffer.wrap(content), SEGMENT)); // starts at 0
            entered.get("long").await();
            nanos.set(9 * slow);
            Future<StoredObject> shortWrite = threads.submit(() ->
                    slowDisk.put(BUCKET, "short/1.ts", ByteBuffer.wrap(content), SEGMENT)); // starts at 9
            entered.get("short").await();
            nanos.set(10 * slow);
            go.get("long").countDown();
            longWrite.get(); // took 10: paused until 10 + 40
            nanos.set(11 * slow);
            go.get("short").countDown();
            shortWrite.get(); // took 2: would pause until 11 + 8 only
            nanos.set((10 + 10 * factor) * slow - 1);
            slowDisk.put(BUCKET, "fast/1.ts", ByteBuffer.wrap(content), SEGMENT);
            nanos.set((10 + 10 * factor) * slow);
            slowDisk.put(BUCKET, "fast/2.ts", ByteBuffer.wrap(content), SEGMENT);

            assertThat(Files.size(StoreFiles.objectFile(bucketDir, "fast/1.ts")) % blockSize)
                    .as("still inside the long write's pause: through the page cache").isNotZero();
            assertThat(Files.size(StoreFiles.objectFile(bucketDir, "fast/2.ts")) % blockSize)
                    .as("the pause is over: direct").isZero();
        } finally {
            go.values().forEach(CountDownLatch::countDown);
            threads.shutdown();
            slowDisk.close();
        }
    }

    /** The buffer pool under contention: every put gets its own bytes back, whatever the interleaving. */
    @Test
    void concurrentDirectWritesOfManySizesEachReadBackTheirOwnBytes() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    Random random = new Random(thread);
                    for (int i = 0; i < 25; i++) {
                        int size = random.nextInt(3 * 1024 * 1024);
                        byte[] content = bytes(size, thread * 100 + i);
                        String key = "t" + thread + "/" + i + ".ts";
                        store.put(BUCKET, key, ByteBuffer.allocateDirect(Math.max(size, 1)).put(content).flip(),
                                SEGMENT);
                        assertThat(read(key, null)).as(key).isEqualTo(content);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    private byte[] read(String key, ByteRange range) throws StorageException, IOException {
        try (ObjectStream s = store.get(BUCKET, key, range)) {
            return s.content().readAllBytes();
        }
    }

    private Path file(String key) throws StorageException {
        return StoreFiles.objectFile(tmp.resolve("objects").resolve(BUCKET), key);
    }
}
