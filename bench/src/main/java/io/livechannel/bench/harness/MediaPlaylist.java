package io.livechannel.bench.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * What the harness reads from a live media playlist (RFC 8216 §4.3.3.2 EXT-X-MEDIA-SEQUENCE, §4.3.2.1 EXTINF):
 * the sequence number of the first segment, each segment's duration and its URI line.
 *
 * @param mediaSequence   EXT-X-MEDIA-SEQUENCE (0 when absent, as the RFC says)
 * @param durationsMicros EXTINF durations in playlist order
 * @param segmentUris     the URI line after each EXTINF, as written (usually relative to the playlist)
 */
public record MediaPlaylist(long mediaSequence, List<Long> durationsMicros, List<String> segmentUris) {
    public MediaPlaylist {
        durationsMicros = List.copyOf(durationsMicros);
        segmentUris = List.copyOf(segmentUris);
        if (segmentUris.size() != durationsMicros.size()) {
            throw new IllegalArgumentException(durationsMicros.size() + " EXTINF tags but " + segmentUris.size()
                    + " segment URIs");
        }
    }

    /** Parses playlist text; throws {@link IllegalArgumentException} when it does not start with #EXTM3U. */
    public static MediaPlaylist parse(String text) {
        if (!text.startsWith("#EXTM3U")) {
            throw new IllegalArgumentException("not an m3u8 playlist (no #EXTM3U)");
        }
        long sequence = 0;
        List<Long> durations = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                sequence = Long.parseLong(line.substring(22).trim());
            } else if (line.startsWith("#EXTINF:")) {
                int comma = line.indexOf(',');
                String seconds = line.substring(8, comma < 0 ? line.length() : comma).trim();
                durations.add(Math.round(Double.parseDouble(seconds) * 1_000_000));
            } else if (!line.isBlank() && !line.startsWith("#") && uris.size() < durations.size()) {
                uris.add(line.trim());
            }
        }
        return new MediaPlaylist(sequence, durations, uris);
    }
}
