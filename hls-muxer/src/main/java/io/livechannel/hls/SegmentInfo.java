package io.livechannel.hls;

import java.util.Objects;

/**
 * One finished segment: what the live playlist lists and the VoD index stores.
 *
 * @param channelName      LiveChannel name
 * @param objectKey        {@code <channel>/<epochMillis>.ts}, strictly increasing within a publish
 * @param startTimeMillis  wall-clock time (epoch ms) at which the segment's first frame arrived;
 *                         {@code #EXT-X-PROGRAM-DATE-TIME}
 * @param durationMicros   {@code #EXTINF}: first DTS of the next segment minus first DTS of this one (for the last
 *                         segment of a publish: end of its last frame)
 * @param mediaSequence    media sequence number
 * @param discontinuity    whether the segment is preceded by {@code #EXT-X-DISCONTINUITY}
 * @param sizeBytes        bytes of TS data
 * @param cutReason        why the segment ended
 */
public record SegmentInfo(String channelName, String objectKey, long startTimeMillis, long durationMicros,
                          long mediaSequence, boolean discontinuity, long sizeBytes, CutReason cutReason) {
    public SegmentInfo {
        Objects.requireNonNull(channelName, "channelName");
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(cutReason, "cutReason");
        if (durationMicros < 0) {
            throw new IllegalArgumentException("durationMicros < 0: " + durationMicros);
        }
        if (mediaSequence < 0) {
            throw new IllegalArgumentException("mediaSequence < 0: " + mediaSequence);
        }
        if (sizeBytes <= 0 || sizeBytes % 188 != 0) {
            throw new IllegalArgumentException("sizeBytes " + sizeBytes + " is not a positive multiple of 188");
        }
    }
}
