package io.livechannel.hls;

/**
 * The cut rule of the spec ("HLS output") as a state machine fed by the media time of each frame that is about to
 * be written.
 *
 * <ol>
 * <li>A jump in the timestamps cuts before the frame ({@link CutReason#TIMESTAMP_JUMP}).</li>
 * <li>A pending track change cuts before the next random-access frame ({@link CutReason#TRACKS_CHANGED}).</li>
 * <li>A random-access frame (video keyframe; any frame of an audio-only stream) cuts once the segment holds
 *     FragDuration of media ({@link CutReason#FRAG_DURATION}).</li>
 * <li>Any frame cuts once the segment holds max(2 × FragDuration, 60 s) ({@link CutReason#FORCED}).</li>
 * <li>Any frame cuts when the segment would pass {@code maxSegmentBytes} with it ({@link CutReason#SIZE_LIMIT}), so
 *     no segment is larger.</li>
 * </ol>
 */
final class Segmenter {
    private final long fragDurationMillis;
    private final long forcedCutMillis;
    private final long maxSegmentBytes;
    private long segmentStartMillis;
    private boolean jumpPending;
    private boolean tracksChangePending;

    Segmenter(HlsSettings settings) {
        this.fragDurationMillis = settings.fragDurationMillis();
        this.forcedCutMillis = settings.forcedCutMillis();
        this.maxSegmentBytes = settings.limits().maxSegmentBytes();
    }

    /** A segment starts with a frame at {@code mediaMillis}; clears pending cuts. */
    void started(long mediaMillis) {
        segmentStartMillis = mediaMillis;
        jumpPending = false;
        tracksChangePending = false;
    }

    void jumped() {
        jumpPending = true;
    }

    void tracksChanged() {
        tracksChangePending = true;
    }

    boolean isTracksChangePending() {
        return tracksChangePending;
    }

    /**
     * Whether to cut before a frame, and why; null to keep writing into the open segment.
     *
     * @param bytesWithFrame the most bytes the open segment can hold once the frame (and any audio waiting to be
     *                       written) is in it
     */
    CutReason cutBefore(long mediaMillis, boolean isRandomAccess, long bytesWithFrame) {
        if (jumpPending) {
            return CutReason.TIMESTAMP_JUMP;
        }
        if (tracksChangePending && isRandomAccess) {
            return CutReason.TRACKS_CHANGED;
        }
        long elapsed = mediaMillis - segmentStartMillis;
        if (isRandomAccess && elapsed >= fragDurationMillis) {
            return CutReason.FRAG_DURATION;
        }
        if (elapsed >= forcedCutMillis) {
            return CutReason.FORCED;
        }
        if (bytesWithFrame > maxSegmentBytes) {
            return CutReason.SIZE_LIMIT;
        }
        return null;
    }
}
