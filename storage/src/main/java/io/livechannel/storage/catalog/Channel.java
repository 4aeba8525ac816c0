package io.livechannel.storage.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * A LiveChannel's configuration as stored. Validation of the API's rules (name, ranges, both-or-neither)
 * happens at the API boundary; this record only refuses impossible values.
 *
 * @param snapshot {@code null} when the channel has none
 */
public record Channel(String bucket, String name, String description, ChannelStatus status,
                      int fragDurationSeconds, int fragCount, String playlistName, Snapshot snapshot,
                      Instant lastModified) {
    public Channel {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(playlistName, "playlistName");
        Objects.requireNonNull(lastModified, "lastModified");
        description = description == null ? "" : description;
        if (fragDurationSeconds < 1 || fragCount < 1) {
            throw new IllegalArgumentException("fragDuration " + fragDurationSeconds + ", fragCount " + fragCount);
        }
    }

    public Channel withStatus(ChannelStatus newStatus, Instant modified) {
        return new Channel(bucket, name, description, newStatus, fragDurationSeconds, fragCount, playlistName,
                snapshot, modified);
    }
}
