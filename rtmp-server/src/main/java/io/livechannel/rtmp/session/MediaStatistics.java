package io.livechannel.rtmp.session;

import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.time.Instant;

/**
 * Statistics of one publish for GetLiveChannelStat. Updated on the event loop per frame (counters only); every
 * second a fresh immutable {@link PublishStats} is published through a volatile field for other threads.
 */
final class MediaStatistics {
    private final Instant connectedAt;
    private final String remoteAddress;
    private volatile PublishStats snapshot;

    MediaStatistics(Instant connectedAt, String remoteAddress, Clock clock) {
        this.connectedAt = connectedAt;
        this.remoteAddress = remoteAddress;
        this.snapshot = new PublishStats(connectedAt, remoteAddress, null, null);
    }

    void onVideo(ByteBuf body) {
    }

    void onAudio(ByteBuf body) {
    }

    PublishStats snapshot() {
        return snapshot;
    }
}
