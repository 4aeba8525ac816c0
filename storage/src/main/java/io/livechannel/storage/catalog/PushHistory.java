package io.livechannel.storage.catalog;

import java.time.Instant;
import java.util.List;

/** Publish sessions per channel. */
public interface PushHistory {
    /** Records a session start; returns its id for {@link #recordEnd}. */
    long recordStart(String bucket, String channel, Instant start, String remoteAddress);

    void recordEnd(long id, Instant end);

    /** The newest {@code limit} sessions of the channel, newest first. */
    List<PushRecord> recent(String bucket, String channel, int limit);
}
