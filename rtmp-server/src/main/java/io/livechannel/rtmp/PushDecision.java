package io.livechannel.rtmp;

import io.livechannel.rtmp.command.StatusCode;
import java.util.Objects;

/** The answer of a {@link PushAuthorizer}: publish allowed (with the channel's HLS settings) or denied. */
public sealed interface PushDecision {

    /**
     * The publish may start.
     *
     * @param bucket the bucket the channel was found in
     * @param channel the channel name
     * @param playlistName the playlist object name under {@code <channel>/}: the URL's {@code playlistName} if
     *     given, else the channel's configured PlaylistName
     * @param fragDurationSeconds the channel's FragDuration, [1, 100]
     * @param fragCount the channel's FragCount, [1, 100]
     */
    record Allowed(String bucket, String channel, String playlistName, int fragDurationSeconds, int fragCount)
            implements PushDecision {
        public Allowed {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(playlistName, "playlistName");
            if (fragDurationSeconds < 1 || fragDurationSeconds > 100) {
                throw new IllegalArgumentException("fragDurationSeconds not in [1, 100]: " + fragDurationSeconds);
            }
            if (fragCount < 1 || fragCount > 100) {
                throw new IllegalArgumentException("fragCount not in [1, 100]: " + fragCount);
            }
        }
    }

    /**
     * The publish is refused; the client gets an {@code onStatus} with this code and description, then the
     * connection is closed. Use {@link StatusCode#PUBLISH_BAD_NAME} for an unknown channel or malformed URL and
     * {@link StatusCode#PUBLISH_DENIED} for signature, expiry, key and disabled-channel refusals. The description
     * reaches the encoder's log: say why, never include a secret or the expected signature.
     */
    record Denied(StatusCode code, String description) implements PushDecision {
        public Denied {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(description, "description");
            if (!code.isError()) {
                throw new IllegalArgumentException("a denial needs an error status code: " + code);
            }
        }
    }
}
