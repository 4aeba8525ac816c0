package io.livechannel.bench;

import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.vod.TimeRange;
import io.livechannel.vod.VodPlaylist;
import io.livechannel.vod.VodPlaylistBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 7's target: a VoD playlist of a one-day range of 2-second segments (43,200 entries) in under 50 ms after
 * warm-up. The segment list is what {@code SegmentIndex.range} returns; the query itself is not measured here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VodPlaylistBenchmark {
    private static final String CHANNEL = "ch1";
    private static final long START_SECONDS = 1543895706L;
    private static final int SEGMENTS = 43_200;
    private static final int SEGMENTS_PER_SESSION = 1_800; // a new publish every hour

    private final TimeRange day = new TimeRange(START_SECONDS, START_SECONDS + 86_399);
    private List<SegmentRecord> segments;
    private Set<String> storedKeys;

    @Setup
    public void setUp() {
        segments = new ArrayList<>(SEGMENTS);
        storedKeys = new HashSet<>();
        for (int i = 0; i < SEGMENTS; i++) {
            long startMillis = START_SECONDS * 1000 + i * 2_000L + i % 7; // names are creation times, not exact
            String key = CHANNEL + "/" + startMillis + ".ts";
            segments.add(new SegmentRecord("bucket", CHANNEL, key, startMillis, 2_000_000 + i % 40_000, i,
                    i % SEGMENTS_PER_SESSION == 0, 500_000));
            storedKeys.add(key);
        }
    }

    /** Every object still exists (the API removes deleted segments from the index). */
    @Benchmark
    public VodPlaylist oneDayOfTwoSecondSegments() {
        return VodPlaylistBuilder.build(CHANNEL, day, segments);
    }

    /** Same, checking each key against a set of stored keys, as a caller filtering deleted objects would. */
    @Benchmark
    public VodPlaylist oneDayOfTwoSecondSegmentsWithExistenceCheck() {
        return VodPlaylistBuilder.build(CHANNEL, day, segments, storedKeys::contains);
    }
}
