package io.livechannel.bench.load;

import java.util.EnumMap;
import java.util.Map;

/**
 * The outcome of one load, as printed and as written to {@code docs/benchmarks.md}.
 *
 * @param publishers       publishers started
 * @param accepted         publishes that got {@code NetStream.Publish.Start}
 * @param completed        publishers that published until the stop time
 * @param failures         failed publishers by reason (only non-zero entries)
 * @param bytesSent        bytes written to sockets, chunk headers included
 * @param elapsedMillis    from the first connect to the last close
 * @param pacingLagP50Millis median of (write time − due time) over all media messages
 * @param pacingLagP99Millis 99th percentile of the same
 * @param pacingLagMaxMillis maximum of the same
 */
public record LoadReport(int publishers, int accepted, int completed, Map<FailureReason, Long> failures,
        long bytesSent, long elapsedMillis, long pacingLagP50Millis, long pacingLagP99Millis,
        long pacingLagMaxMillis) {
    public LoadReport {
        failures = Map.copyOf(failures);
    }

    static LoadReport of(int publishers, LoadStats s, long elapsedMillis) {
        Map<FailureReason, Long> f = new EnumMap<>(FailureReason.class);
        for (FailureReason r : FailureReason.values()) {
            if (s.failures(r) > 0) {
                f.put(r, s.failures(r));
            }
        }
        return new LoadReport(publishers, s.accepted(), s.completed(), f, s.bytesWritten(), elapsedMillis,
                s.pacingLag().percentileMillis(0.50), s.pacingLag().percentileMillis(0.99),
                s.pacingLag().maxMillis());
    }

    /** Aggregate send rate over the whole load, megabits per second. */
    public double megabitsPerSecond() {
        return elapsedMillis == 0 ? 0 : bytesSent * 8.0 / 1000.0 / elapsedMillis;
    }

    @Override
    public String toString() {
        return String.format("publishers=%d accepted=%d completed=%d failures=%s bytesSent=%d (%.1f MB) "
                        + "elapsed=%.1fs rate=%.1fMbit/s pacingLag p50=%dms p99=%dms max=%dms",
                publishers, accepted, completed, failures, bytesSent, bytesSent / 1e6, elapsedMillis / 1000.0,
                megabitsPerSecond(), pacingLagP50Millis, pacingLagP99Millis, pacingLagMaxMillis);
    }
}
