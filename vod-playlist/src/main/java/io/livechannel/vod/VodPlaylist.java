package io.livechannel.vod;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A built VoD media playlist (RFC 8216 §4.3, version 3) and a summary of what it lists.
 *
 * @param text the m3u8 text, lines ending in {@code \n}, ending with {@code #EXT-X-ENDLIST}
 * @param segmentCount number of {@code #EXTINF} entries, at least 1
 * @param durationMillis sum of the listed EXTINF durations as written (milliseconds)
 * @param targetDurationSeconds the {@code #EXT-X-TARGETDURATION} value
 */
public record VodPlaylist(String text, int segmentCount, long durationMillis, long targetDurationSeconds) {
    /**
     * Content-Type of GetVodPlaylist responses and of the object PostVodPlaylist stores (OSS wire spec §3.9, §9).
     */
    public static final String CONTENT_TYPE = "application/x-mpegURL";

    public VodPlaylist {
        Objects.requireNonNull(text, "text");
        if (segmentCount < 1 || durationMillis < 0 || targetDurationSeconds < 1) {
            throw new IllegalArgumentException("bad playlist summary: " + segmentCount + " segments, "
                    + durationMillis + " ms, target " + targetDurationSeconds);
        }
    }

    /** The text as UTF-8 bytes (object keys, and so relative segment names, are UTF-8); a new array each call. */
    public byte[] bytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
