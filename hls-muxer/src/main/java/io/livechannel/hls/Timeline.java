package io.livechannel.hls;

/**
 * Turns RTMP timestamps (32-bit milliseconds that wrap after 49.7 days and may jump) into one continuous 64-bit
 * media timeline in milliseconds.
 *
 * <p>Each timestamp is unwrapped against the previous one (a signed 32-bit difference). A timestamp more than
 * {@code backwardJumpMillis} behind or {@code forwardJumpMillis} ahead of the latest one seen is a jump: the timeline
 * is re-based so the frame lands {@link #JUMP_GAP_MILLIS} after the latest one, and {@link #takeJump()} reports it
 * once. Media time therefore never goes backwards, so segment durations, PTS and PCR stay defined; the segment
 * that starts there is still flagged as a discontinuity (nginx-rtmp cuts there too but lets timestamps jump).
 */
final class Timeline {
    /** Where a jumped frame lands after the latest one: one frame at 25 fps. */
    static final long JUMP_GAP_MILLIS = 40;

    private final long backwardJumpMillis;
    private final long forwardJumpMillis;
    private boolean started;
    private int lastRaw;
    private long unwrapped;
    private long offset;
    private long latestMillis;
    private boolean jumped;

    Timeline(SegmenterLimits limits) {
        this.backwardJumpMillis = limits.backwardJumpMillis();
        this.forwardJumpMillis = limits.forwardJumpMillis();
    }

    /** Media time of an RTMP timestamp (only its low 32 bits count). */
    long toMediaMillis(long timestampMillis) {
        int raw = (int) timestampMillis;
        if (!started) {
            started = true;
            lastRaw = raw;
            unwrapped = Integer.toUnsignedLong(raw);
            latestMillis = unwrapped;
            return unwrapped;
        }
        unwrapped += raw - lastRaw;
        lastRaw = raw;
        long media = unwrapped + offset;
        if (media < latestMillis - backwardJumpMillis || media > latestMillis + forwardJumpMillis) {
            long target = latestMillis + JUMP_GAP_MILLIS;
            offset += target - media;
            media = target;
            jumped = true;
        }
        latestMillis = Math.max(latestMillis, media);
        return media;
    }

    /** Whether a jump happened since the last call. */
    boolean takeJump() {
        boolean result = jumped;
        jumped = false;
        return result;
    }
}
