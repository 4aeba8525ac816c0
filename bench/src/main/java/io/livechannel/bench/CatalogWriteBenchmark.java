package io.livechannel.bench;

import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The catalog work of one live segment, as the server does it for every segment of every publisher
 * ({@code StoredHlsOutput}): once the segment is stored, {@code SegmentIndex.add}; once the playlist listing it is
 * stored, {@code ChannelCatalog.saveCounters}. Segments go round-robin over {@link #CHANNELS} channels of 2-second
 * segments, as in the 500-publisher load, so each op touches another channel's rows and block. SQLite catalog
 * ({@code JdbcMetadataStore.openSqlite}: WAL, a real file, its checkpointer running, which includes the WAL
 * restart: without it the WAL grew to 3 GB within 20 s here).
 *
 * <p>Counter: {@code cpuNanos} / {@code segments} is the CPU cost of one segment's catalog work on the calling
 * thread (SQLite runs in-process on it), which a loaded machine distorts less than the wall-clock score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CatalogWriteBenchmark {
    static final int CHANNELS = 500;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long START_MILLIS = 1_764_720_000_000L;
    private static final long SEGMENT_MICROS = 2_000_000;

    private Path dir;
    private JdbcMetadataStore store;
    private long next;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("catalog-write-bench");
        store = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        TempDirs.deleteTree(dir);
    }

    /** CPU time of the benchmark thread and the segments it indexed. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long cpuNanos;
        public long segments;
    }

    /**
     * Updates committed {@link #batch} segments at a time in one transaction, as {@code CatalogBatcher} does with
     * what was queued meanwhile (the server's close line logs its updates per commit).
     */
    @Param({"1", "8", "64"})
    public int batch;

    /** {@link #batch} segments, each indexed and its counters saved, in one transaction. */
    @Benchmark
    public void batchedSegments(CpuTime cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        store.inOneTransaction(() -> {
            for (int i = 0; i < batch; i++) {
                indexAndSave();
            }
        });
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.segments += batch;
    }

    private void indexAndSave() {
        long n = next++;
        String channel = "c" + (n % CHANNELS);
        long sequence = n / CHANNELS;
        long startMillis = START_MILLIS + sequence * (SEGMENT_MICROS / 1000);
        store.segments().add(new SegmentRecord("live", channel, channel + "/" + startMillis + ".ts", startMillis,
                SEGMENT_MICROS, sequence, sequence == 0, 500_000));
        store.channels().saveCounters("live", channel, new PlaylistCounters(sequence + 1, 0));
    }

    /**
     * One segment of the next channel in turn: indexed, then its playlist's counters saved, each call its own
     * commit, the baseline that batching is measured against; {@link #batch} does not apply (JMH still runs it
     * per value).
     */
    @Benchmark
    public void oneCommitPerCall(CpuTime cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        indexAndSave();
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.segments++;
    }
}
