package io.livechannel.server.ingest;

import io.livechannel.api.LiveSessions;
import io.livechannel.api.LiveStat;
import io.livechannel.rtmp.session.PublishStats;
import io.livechannel.rtmp.session.PublisherRegistry;
import java.util.Optional;

/** The API's view of live publishers, over the RTMP module's registry. */
public final class RegistryLiveSessions implements LiveSessions {
    private final PublisherRegistry registry;

    public RegistryLiveSessions(PublisherRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean isLive(String bucket, String channel) {
        return registry.isLive(bucket, channel);
    }

    @Override
    public Optional<LiveStat> stat(String bucket, String channel) {
        return registry.stats(bucket, channel).map(RegistryLiveSessions::toLiveStat);
    }

    @Override
    public void disconnect(String bucket, String channel) {
        registry.kick(bucket, channel);
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
