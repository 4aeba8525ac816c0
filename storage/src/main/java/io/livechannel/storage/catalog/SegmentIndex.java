package io.livechannel.storage.catalog;

import java.util.List;

/** Stored segments per channel, queried by start time for VoD playlists. */
public interface SegmentIndex {
    /** Adds a segment; adding the same object key again replaces it. */
    void add(SegmentRecord segment);

    /**
     * Segments of the channel with {@code fromMillis <= startTimeMillis <= toMillis}, ordered by start time.
     * Must answer a day of 1-second segments in well under 50 ms (indexed query).
     */
    List<SegmentRecord> range(String bucket, String channel, long fromMillis, long toMillis);

    /** Forgets a segment whose object was deleted; false when it was not indexed. */
    boolean remove(String bucket, String objectKey);
}
