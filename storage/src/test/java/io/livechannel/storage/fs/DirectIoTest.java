package io.livechannel.storage.fs;

import com.sun.nio.file.ExtendedOpenOption;
import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.livechannel.storage.fs.StoreFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DirectIo} and {@link DirectFileWriter}: what a user sees is the same whichever way live output was written
 * (the object reads back exactly, its file holds header and content and nothing else), and the
 * {@value FileSystemObjectStore#PUT_TIMER} timer says which way it went. Where the build's temporary directory takes
 * {@code O_DIRECT} (ext4, XFS) live output is written directly; where it does not (tmpfs before Linux 6.6) the same
 * tests assert the documented fallback through the page cache, found out here independently of the store.
 *
 * <p>A write the device holds is simulated by holding {@link DirectFileWriter#writeFile} on a latch before the real
 * write; waits on futures are bounds against a hang, not timings.
 */
class DirectIoTest {
    private static final String BUCKET = "live";
    private static final PutOptions SEGMENT = PutOptions.liveOutput("video/MP2T");

    @TempDir
    Path tmp;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private FileSystemObjectStore store;
    private boolean takesDirect;
    private int blockSize;

    @BeforeEach
    void probeTheFileSystem() throws IOException {
        blockSize = (int) Files.getFileStore(tmp).getBlockSize();
        Path probe = tmp.resolve("probe");
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            ch.write(ByteBuffer.allocateDirect(2 * blockSize).alignedSlice(blockSize).limit(blockSize));
            takesDirect = true;
        } catch (IOException | UnsupportedOperationException e) {
            takesDirect = false; // the store must then write through the page cache
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @AfterEach
    void close() {
        release.countDown();
        callers.shutdownNow();
        if (store != null) {
            store.close();
        }
    }

    private FileSystemObjectStore open(DirectIo directIo, FsyncPolicy fsync) throws StorageException {
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), fsync, directIo, meters);
        store.createBucket(BUCKET);
        return store;
    }

    /** A store whose direct writes in directory {@code held} wait for {@link #release} before the real write. */
    private FileSystemObjectStore openHolding(FsyncPolicy fsync) throws StorageException, IOException {
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), fsync,
                dir -> new DirectFileWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force) throws IOException {
                        entered.incrementAndGet();
                        if (file.getParent().getFileName().toString().equals("held")) {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                throw new InterruptedIOException();
                            }
                        }
                        super.writeFile(file, aligned, force);
                    }
                }, meters);
        store.createBucket(BUCKET);
        createDirectories("held");
        return store;
    }

    @Test
    void autoWritesLiveOutputDirectExactlyWhereTheFileSystemTakesODirect() throws Exception {
        open(DirectIo.AUTO, FsyncPolicy.DEFAULT);
        byte[] content = bytes(100_000, 1);

        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(content), SEGMENT);

        assertThat(store.writesLiveOutputDirect()).as("O_DIRECT under " + tmp).isEqualTo(takesDirect);
        assertThat(puts("live_output", "direct")).isEqualTo(takesDirect ? 1 : 0);
        assertThat(puts("live_output", "buffered")).isEqualTo(takesDirect ? 0 : 1);
        assertThat(read("ch/1.ts", null)).isEqualTo(content);
        assertFileHoldsHeaderAndContentOnly("ch/1.ts", content.length);
    }

    /** Sizes around block boundaries, past the first pooled buffer (1 MiB), at and past the direct limit (4 MiB). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3_900, 4_096, 4_097, 65_536, 1_048_577, 4_190_000, 5_000_000})
    void liveOutputReadsBackExactlyAndItsFileHoldsNothingElse(int size) throws Exception {
        open(DirectIo.AUTO, FsyncPolicy.DEFAULT);
        byte[] content = bytes(size, size);
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(size, 1)).put(content).flip();
        String key = "ch/" + size + ".ts";

        StoredObject stored = store.put(BUCKET, key, direct, SEGMENT);

        assertThat(direct.remaining()).as("the caller's buffer is not moved").isEqualTo(size);
        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.etag()).isEqualTo(ETags.checksum(content));
        assertThat(read(key, null)).isEqualTo(content);
        assertThat(store.head(BUCKET, key).orElseThrow()).isEqualTo(stored);
        if (size > 0) {
            assertThat(read(key, new ByteRange(size - 1, size - 1))).containsExactly(content[size - 1]);
        }
        long fileBytes = assertFileHoldsHeaderAndContentOnly(key, size);
        boolean direct1 = takesDirect && fileBytes >= blockSize && fileBytes <= DirectFileWriter.MAX_OBJECT_BYTES;
        assertThat(puts("live_output", "direct")).as("written directly").isEqualTo(direct1 ? 1 : 0);
    }

    @Test
    void uploadsAndDirectIoNeverGoThroughThePageCache() throws Exception {
        open(DirectIo.NEVER, FsyncPolicy.DEFAULT);
        byte[] content = bytes(100_000, 7);

        store.put(BUCKET, "live.ts", ByteBuffer.wrap(content), SEGMENT);
        store.put(BUCKET, "upload.ts", ByteBuffer.wrap(content), PutOptions.of("video/MP2T"));

        assertThat(store.writesLiveOutputDirect()).isFalse();
        assertThat(puts("live_output", "buffered")).isEqualTo(1);
        assertThat(puts("upload", "buffered")).isEqualTo(1);
        assertThat(puts("live_output", "direct")).isZero();
        assertThat(read("live.ts", null)).isEqualTo(content);
        assertThat(read("upload.ts", null)).isEqualTo(content);
    }

    @Test
    void aDirectWriteTheDeviceHoldsIsWrittenThroughThePageCacheAndLeavesNoFileBehind() throws Exception {
        openHolding(FsyncPolicy.DEFAULT);
        byte[] v1 = bytes(10_000, 1);
        byte[] v2 = bytes(20_000, 2);
        store.put(BUCKET, "held/1.ts", ByteBuffer.wrap(v1), SEGMENT); // held, then abandoned after the wait
        store.put(BUCKET, "held/1.ts", ByteBuffer.wrap(v2), SEGMENT);

        assertThat(read("held/1.ts", null)).isEqualTo(v2);
        assertThat(puts("live_output", "buffered")).isEqualTo(2);
        assertThat(puts("live_output", "direct")).isZero();
        store.awaitUnlinks(); // v1's second name, given before v2 replaced it, is unlinked off the write thread
        assertThat(temporaryFiles()).as("the held writes have not created their files yet").isEmpty();

        release.countDown();
        store.close(); // waits for the held writes, which end and delete their files
        assertThat(entered).hasValue(2);
        assertThat(temporaryFiles()).isEmpty();
        assertThat(read("held/1.ts", null)).as("the late writes replaced nothing").isEqualTo(v2);
    }

    @Test
    void whenEveryDirectWriteThreadIsHeldPutsGoStraightThroughThePageCache() throws Exception {
        openHolding(FsyncPolicy.DEFAULT);
        byte[] content = bytes(10_000, 3);
        for (int i = 0; i < DirectFileWriter.MAX_THREADS; i++) {
            store.put(BUCKET, "held/" + i + ".ts", ByteBuffer.wrap(content), SEGMENT);
        }
        assertThat(entered).as("each held on its own thread").hasValue(DirectFileWriter.MAX_THREADS);

        store.put(BUCKET, "other/1.ts", ByteBuffer.wrap(content), SEGMENT);

        assertThat(entered).as("no thread free: not tried").hasValue(DirectFileWriter.MAX_THREADS);
        assertThat(puts("live_output", "buffered")).isEqualTo(DirectFileWriter.MAX_THREADS + 1);
        assertThat(read("other/1.ts", null)).isEqualTo(content);
        release.countDown();
        store.close();
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aForcedDirectWriteIsWrittenOnTheCallersThreadWithoutTheWait() throws Exception {
        List<String> writers = new ArrayList<>();
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), FsyncPolicy.ALWAYS,
                dir -> new DirectFileWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force) throws IOException {
                        writers.add(Thread.currentThread().getName() + (force ? " forced" : ""));
                        super.writeFile(file, aligned, force);
                    }
                }, meters);
        store.createBucket(BUCKET);
        createDirectories("ch");
        byte[] content = bytes(100_000, 4);

        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(content), SEGMENT);

        assertThat(writers).containsExactly(Thread.currentThread().getName() + " forced");
        assertThat(puts("live_output", takesDirect ? "direct" : "buffered")).isEqualTo(1);
        assertThat(read("ch/1.ts", null)).isEqualTo(content);
        assertThat(temporaryFiles()).isEmpty();
    }

    /** A file system under the root that refuses the write (another mount, other alignment): each put falls back. */
    @Test
    void aRefusedDirectWriteIsWrittenThroughThePageCacheEachTime() throws Exception {
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), FsyncPolicy.DEFAULT,
                dir -> new DirectFileWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force) throws IOException {
                        entered.incrementAndGet();
                        Files.createFile(file);
                        throw new IOException("Invalid argument");
                    }
                }, meters);
        store.createBucket(BUCKET);
        createDirectories("ch");
        byte[] first = bytes(10_000, 5);
        byte[] second = bytes(20_000, 6);

        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(first), SEGMENT);
        store.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(second), SEGMENT);

        assertThat(entered).hasValue(2);
        assertThat(puts("live_output", "buffered")).isEqualTo(2);
        assertThat(read("ch/1.ts", null)).isEqualTo(first);
        assertThat(read("ch/2.ts", null)).isEqualTo(second);
        assertThat(temporaryFiles()).as("the refused write's file is deleted").isEmpty();
    }

    /** The buffer pool under contention: every put gets its own bytes back, whatever the interleaving. */
    @Test
    void concurrentLiveWritesOfManySizesEachReadBackTheirOwnBytes() throws Exception {
        open(DirectIo.AUTO, FsyncPolicy.DEFAULT);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(callers.submit(() -> {
                Random random = new Random(thread);
                for (int i = 0; i < 20; i++) {
                    int size = random.nextInt(3 * 1024 * 1024);
                    byte[] content = bytes(size, thread * 100 + i);
                    String key = "t" + thread + "/" + i + ".ts";
                    store.put(BUCKET, key, ByteBuffer.allocateDirect(Math.max(size, 1)).put(content).flip(), SEGMENT);
                    assertThat(read(key, null)).as(key).isEqualTo(content);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        assertThat(puts("live_output", "direct") + puts("live_output", "buffered")).isEqualTo(160);
    }

    /** So that a put into {@code dir} is one attempt (a first put into a new directory writes twice). */
    private void createDirectories(String dir) throws IOException {
        Files.createDirectories(tmp.resolve("objects").resolve(BUCKET).resolve(dir));
    }

    private long puts(String origin, String write) {
        return meters.get(FileSystemObjectStore.PUT_TIMER).tag("origin", origin).tag("write", write).timer().count();
    }

    /** Asserts the key's file is exactly its header and {@code size} content bytes; returns its length. */
    private long assertFileHoldsHeaderAndContentOnly(String key, long size) throws IOException, StorageException {
        Path file = StoreFiles.objectFile(tmp.resolve("objects").resolve(BUCKET), key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(ch.size()).as("no padding").isEqualTo(ObjectFile.read(ch).contentOffset() + size);
            return ch.size();
        }
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(tmp.resolve("objects"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(FileSystemObjectStore.TEMP_PREFIX))
                    .toList();
        }
    }

    private byte[] read(String key, ByteRange range) throws StorageException, IOException {
        try (ObjectStream s = store.get(BUCKET, key, range)) {
            return s.content().readAllBytes();
        }
    }
}
