package io.livechannel.hls;

/**
 * Every limit of the HLS packager, with defaults.
 *
 * <table>
 * <caption>Limits</caption>
 * <tr><th>limit</th><th>default</th><th>why</th></tr>
 * <tr><td>{@code maxSegmentBytes}</td><td>{@value #DEFAULT_MAX_SEGMENT_BYTES}</td><td>a segment is held in memory
 * until it is stored; 256 MiB is FragDuration 100 s at 20 Mbit/s. Past it the segment is cut
 * ({@link CutReason#SIZE_LIMIT})</td></tr>
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
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 256L << 20;
    public static final int DEFAULT_MAX_ACCESS_UNIT_BYTES = 16 << 20;
    public static final long DEFAULT_BACKWARD_JUMP_MILLIS = 1_000;
    public static final long DEFAULT_FORWARD_JUMP_MILLIS = 10_000;

    /** The defaults above. */
    public static final SegmenterLimits DEFAULTS = new SegmenterLimits(DEFAULT_MAX_SEGMENT_BYTES,
            DEFAULT_MAX_ACCESS_UNIT_BYTES, DEFAULT_BACKWARD_JUMP_MILLIS, DEFAULT_FORWARD_JUMP_MILLIS);

    public SegmenterLimits {
        if (maxSegmentBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxSegmentBytes " + maxSegmentBytes + " below 65536");
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
