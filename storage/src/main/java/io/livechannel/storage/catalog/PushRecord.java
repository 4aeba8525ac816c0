package io.livechannel.storage.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * One publish session of a channel ({@code <LiveRecord>}).
 *
 * @param end {@code null} while the session is live, or when the server died before recording it
 * @param remoteAddress {@code ip:port} of the publisher
 */
public record PushRecord(long id, String bucket, String channel, Instant start, Instant end,
                         String remoteAddress) {
    public PushRecord {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
}
