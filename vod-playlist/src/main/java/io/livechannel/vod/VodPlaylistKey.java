package io.livechannel.vod;

import io.livechannel.vod.VodPlaylistException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where PostVodPlaylist stores its playlist: the object {@code <channel>/<playlistName>} (OSS wire spec §3.8).
 * The name must end in {@code .m3u8}, have at least one character before it, and contain no {@code /}: the
 * playlist names its segments relatively, so it has to sit in {@code <channel>/} next to them. The whole key
 * obeys the object-key limit of {@value #MAX_OBJECT_KEY_BYTES} UTF-8 bytes.
 *
 * @param channel the LiveChannel name (no {@code /})
 * @param playlistName the object name under {@code <channel>/}, ending in {@code .m3u8}
 */
public record VodPlaylistKey(String channel, String playlistName) {
    /** Object keys are 1..1023 UTF-8 bytes (livechannel spec, "Model"). */
    public static final int MAX_OBJECT_KEY_BYTES = 1023;

    static final String PLAYLIST_NAME = "playlistName";
    private static final String SUFFIX = ".m3u8";

    public VodPlaylistKey {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(playlistName, "playlistName");
        if (channel.isEmpty() || channel.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        if (playlistName.length() <= SUFFIX.length() || !playlistName.endsWith(SUFFIX)
                || playlistName.indexOf('/') >= 0) {
            throw new VodPlaylistException(Reason.INVALID_PLAYLIST_NAME, PLAYLIST_NAME, playlistName,
                    "the VoD playlist name '" + VodPlaylistException.echo(playlistName)
                            + "' must end in .m3u8, have a name before it and contain no '/'");
        }
        int keyBytes = (channel + "/" + playlistName).getBytes(StandardCharsets.UTF_8).length;
        if (keyBytes > MAX_OBJECT_KEY_BYTES) {
            throw new VodPlaylistException(Reason.INVALID_PLAYLIST_NAME, PLAYLIST_NAME, playlistName,
                    "the VoD playlist key is " + keyBytes + " bytes; object keys are at most "
                            + MAX_OBJECT_KEY_BYTES);
        }
    }

    /**
     * Splits the object key of a PostVodPlaylist request at its first {@code /}.
     *
     * @throws VodPlaylistException when there is no {@code /} or the name is not a valid playlist name
     */
    public static VodPlaylistKey parse(String objectKey) {
        int slash = objectKey.indexOf('/');
        if (slash <= 0) {
            throw new VodPlaylistException(Reason.INVALID_PLAYLIST_NAME, PLAYLIST_NAME, objectKey,
                    "the VoD playlist object '" + VodPlaylistException.echo(objectKey)
                            + "' must be <channel>/<name>.m3u8");
        }
        return new VodPlaylistKey(objectKey.substring(0, slash), objectKey.substring(slash + 1));
    }

    /** The object key the playlist is stored under: {@code <channel>/<playlistName>}. */
    public String objectKey() {
        return channel + "/" + playlistName;
    }
}
