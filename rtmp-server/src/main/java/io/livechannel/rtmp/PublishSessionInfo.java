package io.livechannel.rtmp;

import java.time.Instant;
import java.util.Objects;

/**
 * One admitted publish: where it goes (bucket, channel, playlist, HLS settings from the {@link PushDecision}),
 * who sends it and since when. {@code logId} identifies the session in log lines ({@code rtmp#1a2b
 * ch=bucket/channel peer=ip:port}).
 */
public record PublishSessionInfo(
        String bucket, String channel, String playlistName, int fragDurationSeconds, int fragCount,
        String remoteAddress, Instant startedAt, String logId) {
    public PublishSessionInfo {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(playlistName, "playlistName");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(logId, "logId");
    }
}
