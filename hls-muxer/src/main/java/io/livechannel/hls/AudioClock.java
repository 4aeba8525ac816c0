package io.livechannel.hls;

import io.livechannel.ts.TsClock;

/**
 * Smooths AAC timestamps. RTMP carries them in whole milliseconds, so 1024-sample frames at 44.1 kHz (23.22 ms)
 * arrive with ±0.5 ms of rounding jitter, which players hear as clicks at segment joins (nginx-rtmp's
 * {@code hls_sync} fixes the same thing). While each frame's timestamp stays within
 * {@value #SYNC_TOLERANCE_TICKS} ticks (2 ms) of the sample-counted prediction, the prediction is used; otherwise
 * the clock re-anchors on the received timestamp.
 */
final class AudioClock {
    static final long SYNC_TOLERANCE_TICKS = 2 * TsClock.TICKS_PER_MILLI;

    private long anchorTicks = Long.MIN_VALUE;
    private long samplesSinceAnchor;

    /** PTS of a frame received at {@code receivedTicks}, which holds {@code samples} samples at {@code rateHz}. */
    long ptsOf(long receivedTicks, int samples, int rateHz) {
        if (anchorTicks != Long.MIN_VALUE) {
            long predicted = anchorTicks + samplesSinceAnchor * TsClock.HZ / rateHz;
            if (Math.abs(receivedTicks - predicted) <= SYNC_TOLERANCE_TICKS) {
                samplesSinceAnchor += samples;
                return predicted;
            }
        }
        anchorTicks = receivedTicks;
        samplesSinceAnchor = samples;
        return receivedTicks;
    }

    /** Forgets the anchor (after a config change, the sample rate may differ). */
    void reset() {
        anchorTicks = Long.MIN_VALUE;
    }
}
