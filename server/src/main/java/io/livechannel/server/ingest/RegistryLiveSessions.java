package io.livechannel.server.ingest;

import io.livechannel.api.LiveSessions;
import io.livechannel.api.LiveStat;
import io.livechannel.rtmp.session.PublishStats;
import io.livechannel.rtmp.session.PublisherRegistry;
import java.util.Optional;

/**
 * The API's view of live publishers: this node's registry, and on a shared catalog the other nodes' publishers
 * through the channels' lease rows (live, held by another node), with the statistics their owners store with each
 * heartbeat (at most one heartbeat interval old). A kick on this node reaches a publisher on another node through
 * that node's heartbeat, which reports the channel disabled or deleted.
 */
public final class RegistryLiveSessions implements LiveSessions {
    private final PublisherRegistry registry;
    private final ChannelLeases leases;

    public RegistryLiveSessions(PublisherRegistry registry, ChannelLeases leases) {
        this.registry = registry;
        this.leases = leases;
    }

    @Override
    public boolean isLive(String bucket, String channel) {
        return registry.isLive(bucket, channel) || leases.publishedElsewhere(new ChannelKey(bucket, channel)).isPresent();
    }

    @Override
    public Optional<LiveStat> stat(String bucket, String channel) {
        Optional<PublishStats> local = registry.stats(bucket, channel);
        if (local.isPresent()) {
            return local.map(RegistryLiveSessions::toLiveStat);
        }
        return leases.publishedElsewhere(new ChannelKey(bucket, channel))
                .flatMap(lease -> PublishStatsText.parse(lease.stats())).map(RegistryLiveSessions::toLiveStat);
    }

    @Override
    public void disconnect(String bucket, String channel) {
        registry.kick(bucket, channel);
        leases.kickElsewhere(new ChannelKey(bucket, channel));
    }

    static LiveStat toLiveStat(PublishStats stats) {
        PublishStats.Video v = stats.video();
        PublishStats.Audio a = stats.audio();
        return new LiveStat(stats.connectedAt(), stats.remoteAddress(),
                v == null ? null : new LiveStat.Video(v.width(), v.height(), (int) Math.round(v.frameRate()),
                        v.bandwidthBitsPerSecond(), v.codec()),
                a == null ? null : new LiveStat.Audio(a.sampleRate(), a.bandwidthBitsPerSecond(), a.codec()));
    }
}
