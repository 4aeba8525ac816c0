package io.livechannel.server.ingest;

import java.util.Objects;

/** A channel's identity across buckets. */
record ChannelKey(String bucket, String channel) {
    ChannelKey {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(channel, "channel");
    }

    /** The write-queue lane of the channel: its segments and playlists are stored in submission order. */
    String orderingKey() {
        return bucket + "/" + channel;
    }
}
