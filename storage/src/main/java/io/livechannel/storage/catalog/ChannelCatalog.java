package io.livechannel.storage.catalog;

import java.util.Optional;

/** Channels by bucket and name, with their playlist counters. */
public interface ChannelCatalog {
    /** Creates the channel or replaces the configuration of an existing one (counters are kept). */
    void put(Channel channel);

    Optional<Channel> find(String bucket, String name);

    /**
     * Channels of a bucket whose names start with {@code prefix} and sort strictly after {@code marker}, in
     * name order, at most {@code maxKeys} (1..1000).
     */
    ChannelPage list(String bucket, String prefix, String marker, int maxKeys);

    /** @return false when there is no such channel */
    boolean delete(String bucket, String name);

    /** Counters of the channel; {@link PlaylistCounters#INITIAL} when none were saved. */
    PlaylistCounters counters(String bucket, String name);

    void saveCounters(String bucket, String name, PlaylistCounters counters);
}
