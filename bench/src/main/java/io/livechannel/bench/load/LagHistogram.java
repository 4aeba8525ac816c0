package io.livechannel.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts durations in 1 ms buckets from 0 to {@value #MAX_MILLIS} ms (larger ones land in the last bucket) and
 * answers percentiles with 1 ms resolution. Lock-free; any thread may record.
 */
public final class LagHistogram {
    /** Pacing lag beyond 60 s means the run is broken anyway; one overflow bucket keeps memory fixed (480 KB). */
    public static final int MAX_MILLIS = 60_000;

    private final AtomicLongArray counts = new AtomicLongArray(MAX_MILLIS + 1);

    public void recordNanos(long nanos) {
        long ms = Math.max(0, nanos / 1_000_000);
        counts.incrementAndGet((int) Math.min(ms, MAX_MILLIS));
    }

    public long count() {
        long n = 0;
        for (int i = 0; i <= MAX_MILLIS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The smallest bucket (ms) at or below which {@code fraction} of the samples lie; 0 when empty. */
    public long percentileMillis(double fraction) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i <= MAX_MILLIS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return i;
            }
        }
        return MAX_MILLIS;
    }

    public long maxMillis() {
        for (int i = MAX_MILLIS; i >= 0; i--) {
            if (counts.get(i) > 0) {
                return i;
            }
        }
        return 0;
    }
}
