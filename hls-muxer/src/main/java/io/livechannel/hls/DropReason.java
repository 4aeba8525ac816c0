package io.livechannel.hls;

/** Why the packager skipped an audio or video tag instead of packaging it (recoverable media errors, STYLE B6). */
public enum DropReason {
    /** Truncated or inconsistent tag header, sequence header or access unit. */
    MALFORMED,
    /** Video other than H.264, audio other than AAC, or an AAC config that ADTS cannot carry. */
    UNSUPPORTED_CODEC,
    /** A frame arrived before the sequence header of its track. */
    MISSING_SEQUENCE_HEADER,
    /** Video before the first keyframe, or a frame of a new track waiting for the keyframe that starts its segment. */
    AWAITING_KEYFRAME,
    /**
     * A frame larger than {@link SegmenterLimits#maxAccessUnitBytes()}, a frame that would not fit an empty segment
     * of {@link SegmenterLimits#maxSegmentBytes()}, or an AAC frame too long for ADTS.
     */
    OVERSIZED,
    /** A tag after {@link HlsPackager#finish()}. */
    AFTER_FINISH
}
