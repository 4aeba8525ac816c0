package io.livechannel.hls;

/** Why a segment ended. */
public enum CutReason {
    /** The segment held FragDuration of media and a keyframe arrived (any audio frame, for audio-only streams). */
    FRAG_DURATION(false),
    /** No keyframe within max(2 × FragDuration, 60 s): cut before a non-keyframe (spec, "HLS output"). */
    FORCED(false),
    /** The next frame would have taken the segment past {@link SegmenterLimits#maxSegmentBytes()}. */
    SIZE_LIMIT(false),
    /** The timestamps jumped backwards or far forwards; the next segment is a discontinuity. */
    TIMESTAMP_JUMP(true),
    /** A track appeared or a sequence header changed (new resolution, new audio config); next is a discontinuity. */
    TRACKS_CHANGED(true),
    /** The publisher stopped (or the server is shutting down): the last, partial segment. */
    PUBLISH_END(false);

    private final boolean nextIsDiscontinuity;

    CutReason(boolean nextIsDiscontinuity) {
        this.nextIsDiscontinuity = nextIsDiscontinuity;
    }

    /** Whether the segment after this cut starts with {@code #EXT-X-DISCONTINUITY}. */
    public boolean nextIsDiscontinuity() {
        return nextIsDiscontinuity;
    }
}
