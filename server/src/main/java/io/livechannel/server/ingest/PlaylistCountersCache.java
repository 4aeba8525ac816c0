package io.livechannel.server.ingest;

import io.livechannel.hls.PlaylistState;
import io.livechannel.storage.catalog.ChannelCatalog;
import io.livechannel.storage.catalog.PlaylistCounters;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The newest playlist counters of each channel that published since start, so that a publish reads them without
 * a blocking catalog call on its event loop and never sees counters older than the previous publish's last
 * playlist (whose catalog write may still be queued).
 *
 * <p>Filled from the catalog by {@link #load} on the storage executor (during push authorization), updated by
 * {@link #update} on the publishing event loop for every playlist. Thread-safe. One small entry per channel that
 * ever published.
 */
public final class PlaylistCountersCache {
    private final ConcurrentMap<ChannelKey, PlaylistState> newest = new ConcurrentHashMap<>();

    /**
     * Loads the channel's counters from the catalog unless newer ones are known here; with {@code fromCatalog}
     * the catalog's replace what is known here (the channel was published on another node meanwhile, whose
     * counters are committed before it gave the channel up). Blocks: storage executor only.
     */
    void load(ChannelKey key, ChannelCatalog channels, boolean fromCatalog) {
        if (fromCatalog || !newest.containsKey(key)) {
            PlaylistCounters stored = channels.counters(key.bucket(), key.channel());
            PlaylistState state = new PlaylistState(stored.nextMediaSequence(), stored.discontinuitySequence());
            if (fromCatalog) {
                newest.put(key, state);
            } else {
                newest.putIfAbsent(key, state);
            }
        }
    }

    /** The counters a new publish of the channel starts from. */
    PlaylistState get(ChannelKey key) {
        return newest.getOrDefault(key, PlaylistState.INITIAL);
    }

    void update(ChannelKey key, PlaylistState state) {
        newest.put(key, state);
    }
}
