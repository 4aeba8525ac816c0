package io.livechannel.storage.catalog;

import java.util.Objects;

/**
 * One stored HLS segment, as the VoD index needs it.
 *
 * @param objectKey {@code <channel>/<epochMillis>.ts}
 * @param startTimeMillis wall-clock time (epoch ms) the segment started, which is also in its name
 * @param durationMicros the segment's EXTINF duration
 * @param sequence its media sequence number in the live playlist
 * @param discontinuity true when a discontinuity precedes it (new publish, timestamp jump)
 */
public record SegmentRecord(String bucket, String channel, String objectKey, long startTimeMillis,
                            long durationMicros, long sequence, boolean discontinuity, long sizeBytes) {
    public SegmentRecord {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(objectKey, "objectKey");
        if (durationMicros < 0 || sequence < 0 || sizeBytes < 0) {
            throw new IllegalArgumentException("negative duration, sequence or size in " + objectKey);
        }
    }
}
