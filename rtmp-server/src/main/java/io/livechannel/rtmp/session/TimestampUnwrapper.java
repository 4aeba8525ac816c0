package io.livechannel.rtmp.session;

/**
 * Extends 32-bit RTMP timestamps (RTMP spec §5.3.1.2: they wrap after 2^32 ms, about 49.7 days) to a growing
 * {@code long}. A step back of more than half the range is a wrap; a step forward of more than half the range is
 * a late message from before the last wrap. Audio and video share one instance: they are interleaved closely.
 */
final class TimestampUnwrapper {
    private static final long RANGE = 1L << 32;
    private static final long HALF = 1L << 31;
    private long epoch;
    private long last = -1;

    long unwrap(long timestamp32) {
        if (last < 0) {
            last = timestamp32;
            return timestamp32;
        }
        long diff = timestamp32 - last;
        if (diff < -HALF) {
            epoch += RANGE;
        } else if (diff > HALF) {
            return epoch - RANGE + timestamp32;
        }
        last = timestamp32;
        return epoch + timestamp32;
    }
}
