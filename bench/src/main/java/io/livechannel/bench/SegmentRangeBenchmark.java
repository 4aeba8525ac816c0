package io.livechannel.bench;

import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 5's target: {@code SegmentIndex.range} over one day of 1-second segments (86,400 rows) of one channel in
 * well under 50 ms, on the SQLite catalog ({@code JdbcMetadataStore.openSqlite}, WAL, a real file). A second
 * channel of the same bucket holds another day of segments, so the query must use the
 * {@code (bucket, channel, start_millis)} index rather than scan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SegmentRangeBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long START_MILLIS = 1_543_895_706_000L;
    private static final int SEGMENTS_PER_DAY = 86_400;

    private Path dir;
    private JdbcMetadataStore store;
    private long nextLiveSegment;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("segment-range-bench");
        store = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        for (String channel : List.of("cam1", "cam2")) {
            for (int i = 0; i < SEGMENTS_PER_DAY; i++) {
                long start = START_MILLIS + i * 1000L;
                store.segments().add(new SegmentRecord("bucket", channel, channel + "/" + start + ".ts", start,
                        1_000_000, i, i % 3600 == 0, 250_000));
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        TempDirs.deleteTree(dir);
    }

    /**
     * CPU time of the benchmark thread (SQLite runs in-process on it), so that "per query" can be read apart from
     * the wait for a core on a shared machine: cpuNanos / queries is the CPU cost of one query.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long cpuNanos;
        public long queries;
    }

    /**
     * A catalog connection opened just for one query, so SQLite's page cache is empty (the operating system's file
     * cache is not: dropping it would disturb everything else on a shared machine).
     */
    @State(Scope.Thread)
    public static class FreshConnection {
        JdbcMetadataStore store;

        @Setup(Level.Invocation)
        public void open(SegmentRangeBenchmark bench) {
            store = JdbcMetadataStore.openSqlite(bench.dir.resolve("catalog.db"));
        }

        @TearDown(Level.Invocation)
        public void close() {
            store.close();
        }
    }

    /** The first query after opening the catalog: one day, 86,400 records, one shot per iteration. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 10)
    @Measurement(iterations = 20)
    public List<SegmentRecord> oneDayOnAFreshConnection(FreshConnection fresh, CpuTime cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        List<SegmentRecord> day = fresh.store.segments().range("bucket", "cam1", START_MILLIS,
                START_MILLIS + (SEGMENTS_PER_DAY - 1) * 1000L);
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.queries++;
        return day;
    }

    /** VoD over a whole day: returns 86,400 records. */
    @Benchmark
    public List<SegmentRecord> oneDayOfOneSecondSegments(CpuTime cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        List<SegmentRecord> day = store.segments().range("bucket", "cam1", START_MILLIS,
                START_MILLIS + (SEGMENTS_PER_DAY - 1) * 1000L);
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.queries++;
        return day;
    }

    /** A typical one-hour VoD window: 3,600 records. */
    @Benchmark
    public List<SegmentRecord> oneHourOfOneSecondSegments(CpuTime cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        long from = START_MILLIS + 43_200_000L;
        List<SegmentRecord> hour = store.segments().range("bucket", "cam1", from, from + 3_599_000L);
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.queries++;
        return hour;
    }

    /**
     * The write side: indexing the next 1-second segment of a live channel (what every publisher does once per
     * segment), including the rewrite of its minute's {@code segment_block}.
     */
    @Benchmark
    public void addOneSegment(CpuTime cpu) {
        long start = THREADS.getCurrentThreadCpuTime();
        long startMillis = START_MILLIS + nextLiveSegment * 1000L;
        store.segments().add(new SegmentRecord("bucket", "live", "live/" + startMillis + ".ts", startMillis,
                1_000_000, nextLiveSegment++, false, 250_000));
        cpu.cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
        cpu.queries++;
    }
}
