package io.livechannel.bench.load;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters every publisher of one load updates: accepted and failed publishes, bytes written, pacing lag, and
 * the wall time ({@link System#nanoTime()}) at which each keyframe of each publisher was written to its socket.
 * Lock-free; event-loop threads record, the harness reads.
 */
public final class LoadStats {
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final Map<FailureReason, LongAdder> failures = new EnumMap<>(FailureReason.class);
    private final LongAdder bytesWritten = new LongAdder();
    private final LagHistogram pacingLag = new LagHistogram();
    private final AtomicLongArray[] keyframeSentNanos;
    private final long[] publishStartNanos;

    LoadStats(int publishers, int keyframesPerPublisher) {
        for (FailureReason r : FailureReason.values()) {
            failures.put(r, new LongAdder());
        }
        keyframeSentNanos = new AtomicLongArray[publishers];
        for (int i = 0; i < publishers; i++) {
            keyframeSentNanos[i] = new AtomicLongArray(keyframesPerPublisher);
        }
        publishStartNanos = new long[publishers];
    }

    void accepted(int publisher, long nanos) {
        synchronized (publishStartNanos) {
            publishStartNanos[publisher] = nanos;
        }
        accepted.incrementAndGet();
    }

    void publisherCompleted() {
        completed.incrementAndGet();
    }

    void failed(FailureReason reason) {
        failures.get(reason).increment();
    }

    void wrote(long bytes, long lagNanos) {
        bytesWritten.add(bytes);
        pacingLag.recordNanos(lagNanos);
    }

    void unsent(long bytes) {
        bytesWritten.add(-bytes);
    }

    void keyframeSent(int publisher, int keyframeOrdinal, long nanos) {
        keyframeSentNanos[publisher].set(keyframeOrdinal, nanos);
    }

    /** Publishes that got {@code NetStream.Publish.Start}. */
    public int accepted() {
        return accepted.get();
    }

    /** Publishers that published until the end of the run. */
    public int completed() {
        return completed.get();
    }

    public long failures(FailureReason reason) {
        return failures.get(reason).sum();
    }

    /** Bytes handed to sockets so far (chunk headers included; bytes still queued at close are subtracted). */
    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public LagHistogram pacingLag() {
        return pacingLag;
    }

    /** When keyframe {@code ordinal} of {@code publisher} left for its socket ({@code nanoTime}), 0 if never. */
    public long keyframeSentNanos(int publisher, int ordinal) {
        AtomicLongArray a = keyframeSentNanos[publisher];
        return ordinal >= 0 && ordinal < a.length() ? a.get(ordinal) : 0;
    }

    /** When {@code publisher} got {@code NetStream.Publish.Start} ({@code nanoTime}), 0 if never. */
    public long publishStartNanos(int publisher) {
        synchronized (publishStartNanos) {
            return publishStartNanos[publisher];
        }
    }
}
