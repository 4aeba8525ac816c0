package io.livechannel.hls;

/**
 * Every limit of the HLS packager, with defaults.
 *
 * <table>
 * <caption>Limits</caption>
 * <tr><th>limit</th><th>default</th><th>why</th></tr>
 * <tr><td>{@code maxSegmentBytes}</td><td>{@value #DEFAULT_MAX_SEGMENT_BYTES}</td><td>the largest segment: it is
 * held in one buffer until it is stored, and the server's write backlog is sized from it so that a segment is never
 * refused for its own size. 128 MiB is FragDuration 100 s at 10.7 Mbit/s, 60 s at 17.9 Mbit/s. A frame that would
 * take the segment past it starts the next segment ({@link CutReason#SIZE_LIMIT}, on any frame); a frame that would
 * not fit even an empty segment is dropped ({@link DropReason#OVERSIZED}). At most
 * {@value #MAX_MAX_SEGMENT_BYTES}</td></tr>
 * <tr><td>{@code maxAccessUnitBytes}</td><td>{@value #DEFAULT_MAX_ACCESS_UNIT_BYTES}</td><td>an H.264 level 5.2
 * IDR frame at 240 Mbit/s peaks near 8 MiB; larger frames are dropped ({@link DropReason#OVERSIZED})</td></tr>
 * <tr><td>{@code backwardJumpMillis}</td><td>{@value #DEFAULT_BACKWARD_JUMP_MILLIS}</td><td>audio and video
 * interleave within a few hundred ms; a timestamp further back is a reset (nginx-rtmp uses 1 s too)</td></tr>
 * <tr><td>{@code forwardJumpMillis}</td><td>{@value #DEFAULT_FORWARD_JUMP_MILLIS}</td><td>no encoder leaves 10 s
 * between frames it timestamps continuously; a larger gap is a restart or clock jump</td></tr>
 * </table>
 */
public record SegmenterLimits(long maxSegmentBytes, int maxAccessUnitBytes, long backwardJumpMillis,
                              long forwardJumpMillis) {
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 128L << 20;
    /** A segment is one buffer, indexed by {@code int}. */
    public static final long MAX_MAX_SEGMENT_BYTES = 1L << 30;
    /** The smallest {@code maxSegmentBytes}: PAT, PMT and the largest ADTS frame fit many times over. */
    public static final long MIN_MAX_SEGMENT_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_ACCESS_UNIT_BYTES = 16 << 20;
    public static final long DEFAULT_BACKWARD_JUMP_MILLIS = 1_000;
    public static final long DEFAULT_FORWARD_JUMP_MILLIS = 10_000;

    /** The defaults above. */
    public static final SegmenterLimits DEFAULTS = new SegmenterLimits(DEFAULT_MAX_SEGMENT_BYTES,
            DEFAULT_MAX_ACCESS_UNIT_BYTES, DEFAULT_BACKWARD_JUMP_MILLIS, DEFAULT_FORWARD_JUMP_MILLIS);

    /** These limits with another {@code maxSegmentBytes}. */
    public SegmenterLimits withMaxSegmentBytes(long bytes) {
        return new SegmenterLimits(bytes, maxAccessUnitBytes, backwardJumpMillis, forwardJumpMillis);
    }

    public SegmenterLimits {
        if (maxSegmentBytes < MIN_MAX_SEGMENT_BYTES || maxSegmentBytes > MAX_MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("maxSegmentBytes " + maxSegmentBytes + " outside "
                    + MIN_MAX_SEGMENT_BYTES + ".." + MAX_MAX_SEGMENT_BYTES);
        }
        if (maxAccessUnitBytes < 1024) {
            throw new IllegalArgumentException("maxAccessUnitBytes " + maxAccessUnitBytes + " below 1024");
        }
        if (backwardJumpMillis <= 0 || forwardJumpMillis <= 0) {
            throw new IllegalArgumentException("jump limits must be positive: " + backwardJumpMillis + ", "
                    + forwardJumpMillis);
        }
    }
}
