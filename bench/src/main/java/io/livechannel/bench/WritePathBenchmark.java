package io.livechannel.bench;

import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.storage.write.WriteQueueConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live write path of issue 9: {@link ObjectWriteQueue} in front of {@link FileSystemObjectStore}, as the server
 * wires them. One op is what one channel produces per segment: a 0.5 MB segment (2 s at 2 Mbit/s) from a direct
 * buffer, then a 300-byte playlist, in the channel's lane. Each invocation submits one such pair for each of
 * {@link #CHANNELS} channels and waits until all are stored, so the lanes run in parallel on the write threads.
 *
 * <p>Parameters: {@code fsync} ({@link FsyncPolicy}; for live output {@code UPLOADS} behaves as {@code NEVER}),
 * {@code directIo} ({@link DirectIo}: live output with {@code O_DIRECT} or through the page cache),
 * {@code origin} ({@code LIVE_OUTPUT}: CRC32C ETag, as the server writes segments; {@code UPLOAD}: MD5 ETag) and
 * the number of write threads.
 *
 * <p>Counters: {@code storedBytes} (bytes per second of wall clock) and {@code cpuNanos} (CPU nanoseconds of the
 * whole JVM per second of wall clock: every write thread plus the benchmark thread). Their ratio is the CPU cost
 * per byte stored, which a loaded shared machine distorts much less than the wall-clock score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class WritePathBenchmark {
    static final int CHANNELS = 16;
    static final int SEGMENT_BYTES = 512 * 1024;
    static final int PLAYLIST_BYTES = 300;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Write threads, as {@code storage-write-N} in the server. */
    @Param({"4", "16"})
    public int threads;

    @Param({"ALWAYS", "NEVER"})
    public FsyncPolicy fsync;

    @Param({"LIVE_OUTPUT", "UPLOAD"})
    public PutOptions.Origin origin;

    /** Whether live output is written with {@code O_DIRECT} ({@link DirectIo}; uploads never are). */
    @Param({"AUTO", "NEVER"})
    public DirectIo directIo;

    private PutOptions segmentOptions;
    private PutOptions playlistOptions;

    private Path dir;
    private FileSystemObjectStore store;
    private ExecutorService executor;
    private ObjectWriteQueue queue;
    private ByteBuffer segment;
    private ByteBuffer playlist;
    private long counter;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "bench/target")), "write-path");
        store = new FileSystemObjectStore(dir.resolve("objects"), Clock.systemUTC(), fsync,
                directIo, new SimpleMeterRegistry());
        segmentOptions = new PutOptions("video/MP2T", Map.of(), origin);
        playlistOptions = new PutOptions("application/x-mpegURL", Map.of(), origin);
        store.createBucket("live");
        executor = Executors.newFixedThreadPool(threads);
        queue = new ObjectWriteQueue(store, executor, WriteQueueConfig.defaults(null));
        byte[] bytes = new byte[SEGMENT_BYTES];
        new Random(1).nextBytes(bytes);
        segment = ByteBuffer.allocateDirect(SEGMENT_BYTES).put(bytes).flip();
        playlist = ByteBuffer.wrap("#EXTM3U\n".repeat(PLAYLIST_BYTES / 8).getBytes(StandardCharsets.UTF_8));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        queue.close();
        executor.shutdown();
        store.close(); // waits for abandoned direct writes, which would race the walk below over their files
        TempDirs.deleteTree(dir);
    }

    /** JVM CPU time and bytes stored, per second of wall clock; see the class comment. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cost {
        public long cpuNanos;
        public long storedBytes;
    }

    @Benchmark
    @OperationsPerInvocation(CHANNELS)
    public long segmentAndPlaylist(Cost cost) {
        long cpuBefore = OS.getProcessCpuTime();
        @SuppressWarnings("unchecked")
        CompletableFuture<StoredObject>[] stored = new CompletableFuture[CHANNELS * 2];
        long n = counter++;
        for (int c = 0; c < CHANNELS; c++) {
            String lane = "live/cam" + c;
            stored[2 * c] = queue.submit(lane, "live", "cam" + c + "/" + (n % 6) + ".ts", segment.duplicate(),
                    segmentOptions, () -> { });
            stored[2 * c + 1] = queue.submit(lane, "live", "cam" + c + "/playlist.m3u8", playlist.duplicate(),
                    playlistOptions, () -> { });
        }
        CompletableFuture.allOf(stored).join();
        cost.cpuNanos += OS.getProcessCpuTime() - cpuBefore;
        cost.storedBytes += (long) CHANNELS * (SEGMENT_BYTES + playlist.remaining());
        return n;
    }
}
