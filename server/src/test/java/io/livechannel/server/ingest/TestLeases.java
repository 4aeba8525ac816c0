package io.livechannel.server.ingest;

import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.storage.catalog.MetadataStore;
import java.time.Clock;
import java.time.Duration;

/** Publish leases as the single-node server keeps them, for tests that admit or run publishes directly. */
public final class TestLeases {
    private TestLeases() {
    }

    /** Leases whose takeovers read no objects (none of the callers' channels was held by a dead node). */
    public static ChannelLeases singleNode(MetadataStore metadata) {
        return new ChannelLeases(new ChannelLeases.Settings("test-node", false, Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(5)), metadata, null, new PublisherRegistry(),
                Runnable::run, Clock.systemUTC());
    }

    /** As {@link #singleNode}, with {@code bucket/channel} admitted (as push authorization does). */
    public static ChannelLeases singleNodeAdmitting(MetadataStore metadata, String bucket, String channel) {
        ChannelLeases leases = singleNode(metadata);
        leases.admit(new ChannelKey(bucket, channel));
        return leases;
    }
}
