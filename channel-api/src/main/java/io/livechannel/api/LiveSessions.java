package io.livechannel.api;

import java.util.Optional;

/**
 * The live side of a channel, as the API needs it: is a client publishing, what does it send, and stop it.
 * A module-boundary port (STYLE B1): {@code server} implements it over the RTMP module's publisher registry, so
 * this module never depends on rtmp-server.
 *
 * <p>Threading: called from the API's storage executor, never from an event loop; implementations must be
 * thread-safe and must not block for long ({@link #disconnect} only requests the close).
 */
public interface LiveSessions {
    /** True while a client is publishing to the channel. */
    boolean isLive(String bucket, String channel);

    /** The publishing session's statistics, or empty when the channel is idle. */
    Optional<LiveStat> stat(String bucket, String channel);

    /**
     * Closes the publishing session of the channel, if any (PutLiveChannelStatus {@code disabled}). Returns
     * without waiting for the close to complete.
     */
    void disconnect(String bucket, String channel);

    /** A port for servers without RTMP ingest: nothing is ever live. */
    static LiveSessions none() {
        return new LiveSessions() {
            @Override
            public boolean isLive(String bucket, String channel) {
                return false;
            }

            @Override
            public Optional<LiveStat> stat(String bucket, String channel) {
                return Optional.empty();
            }

            @Override
            public void disconnect(String bucket, String channel) {
            }
        };
    }
}
