package io.livechannel.hls;

import java.util.Objects;

/**
 * What one publish session is packaged with: the channel's HLS target ({@code FragDuration}, {@code FragCount},
 * {@code PlaylistName}, spec "Model") and the packager's limits.
 *
 * @param channelName         LiveChannel name; every object key starts with {@code channelName + "/"}
 * @param playlistName        live playlist name, ending in {@code .m3u8} (the channel's, or the push URL's
 *                            {@code playlistName} parameter)
 * @param fragDurationSeconds FragDuration, 1..100
 * @param fragCount           FragCount, 1..100: segments listed in the live playlist
 * @param limits              memory and timestamp limits
 */
public record HlsSettings(String channelName, String playlistName, int fragDurationSeconds, int fragCount,
                          SegmenterLimits limits) {
    /** Forced cut floor of the spec: max(2 × FragDuration, 60 s). */
    static final long MIN_FORCED_CUT_MILLIS = 60_000;

    public HlsSettings {
        Objects.requireNonNull(channelName, "channelName");
        Objects.requireNonNull(playlistName, "playlistName");
        Objects.requireNonNull(limits, "limits");
        if (channelName.isEmpty() || channelName.indexOf('/') >= 0) {
            throw new IllegalArgumentException("channel name empty or holding '/': " + channelName);
        }
        if (!playlistName.endsWith(".m3u8") || playlistName.startsWith("/")) {
            throw new IllegalArgumentException("playlistName must end in .m3u8 and be relative: " + playlistName);
        }
        if (fragDurationSeconds < 1 || fragDurationSeconds > 100) {
            throw new IllegalArgumentException("fragDurationSeconds " + fragDurationSeconds + " outside 1..100");
        }
        if (fragCount < 1 || fragCount > 100) {
            throw new IllegalArgumentException("fragCount " + fragCount + " outside 1..100");
        }
    }

    /** Settings with {@link SegmenterLimits#DEFAULTS}. */
    public HlsSettings(String channelName, String playlistName, int fragDurationSeconds, int fragCount) {
        this(channelName, playlistName, fragDurationSeconds, fragCount, SegmenterLimits.DEFAULTS);
    }

    /** {@code <channel>/<playlistName>}. */
    public String playlistObjectKey() {
        return channelName + "/" + playlistName;
    }

    /** {@code <channel>/<epochMillis>.ts}. */
    public String segmentObjectKey(long epochMillis) {
        return channelName + "/" + epochMillis + ".ts";
    }

    long fragDurationMillis() {
        return fragDurationSeconds * 1000L;
    }

    long forcedCutMillis() {
        return Math.max(2 * fragDurationMillis(), MIN_FORCED_CUT_MILLIS);
    }
}
