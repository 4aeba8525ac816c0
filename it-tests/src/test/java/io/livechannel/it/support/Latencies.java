package io.livechannel.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Measured durations of one kind and their order statistics (nearest rank), for the numbers a test reports. */
public final class Latencies {
    private final List<Duration> values = new ArrayList<>();

    public synchronized void add(Duration value) {
        values.add(value);
    }

    public synchronized List<Duration> values() {
        return List.copyOf(values);
    }

    /** The nearest-rank percentile {@code p} (0-100]; the median is 50, the maximum 100. */
    public synchronized Duration percentile(double p) {
        if (values.isEmpty()) {
            throw new IllegalStateException("nothing measured");
        }
        List<Duration> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    public Duration max() {
        return percentile(100);
    }

    /** {@code n=.. p50=..ms p99=..ms max=..ms}. */
    public synchronized String summary() {
        return "n=" + values.size() + " p50=" + percentile(50).toMillis() + "ms p99=" + percentile(99).toMillis()
                + "ms max=" + max().toMillis() + "ms";
    }
}
