package io.livechannel.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed HLS media playlist (RFC 8216 §4.3), as strict as a player: the first line must be {@code #EXTM3U} and
 * every URI line must follow an {@code #EXTINF}. Keeps the text for failure messages.
 */
public record MediaPlaylist(int version, int targetDurationSeconds, long mediaSequence, List<Segment> segments,
        boolean hasEndList, String text) {

    /** One {@code #EXTINF} entry; {@code sequence} is its media sequence number (RFC 8216 §6.3.2). */
    public record Segment(long sequence, String uri, double durationSeconds, boolean discontinuity) {
    }

    public MediaPlaylist {
        segments = List.copyOf(segments);
        Objects.requireNonNull(text, "text");
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the offending line. */
    public static MediaPlaylist parse(String text) {
        String[] lines = text.split("\r?\n");
        if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
            throw new IllegalArgumentException("not an m3u8 (first line is not #EXTM3U):\n" + text);
        }
        int version = 1;
        int target = -1;
        long sequence = 0;
        boolean endList = false;
        boolean discontinuity = false;
        Double pendingDuration = null;
        List<String[]> entries = new ArrayList<>();
        List<Boolean> discontinuities = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#EXT-X-VERSION:")) {
                version = Integer.parseInt(line.substring("#EXT-X-VERSION:".length()));
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Integer.parseInt(line.substring("#EXT-X-TARGETDURATION:".length()));
            } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                sequence = Long.parseLong(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()));
            } else if (line.equals("#EXT-X-ENDLIST")) {
                endList = true;
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                int comma = value.indexOf(',');
                pendingDuration = Double.parseDouble(comma < 0 ? value : value.substring(0, comma));
            } else if (!line.startsWith("#")) {
                if (pendingDuration == null) {
                    throw new IllegalArgumentException("URI line " + (i + 1) + " without #EXTINF:\n" + text);
                }
                entries.add(new String[] {line, Double.toString(pendingDuration)});
                discontinuities.add(discontinuity);
                pendingDuration = null;
                discontinuity = false;
            }
        }
        if (target < 0) {
            throw new IllegalArgumentException("no #EXT-X-TARGETDURATION:\n" + text);
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            segments.add(new Segment(sequence + i, entries.get(i)[0], Double.parseDouble(entries.get(i)[1]),
                    discontinuities.get(i)));
        }
        return new MediaPlaylist(version, target, sequence, segments, endList, text);
    }

    /**
     * Every segment listed by any of {@code versions} (successive reads of one live playlist), by media
     * sequence; fails if one sequence number named two different segments (RFC 8216 §6.2.1 forbids it).
     */
    public static List<Segment> union(List<MediaPlaylist> versions) {
        java.util.TreeMap<Long, Segment> bySequence = new java.util.TreeMap<>();
        for (MediaPlaylist version : versions) {
            for (Segment segment : version.segments()) {
                Segment before = bySequence.putIfAbsent(segment.sequence(), segment);
                if (before != null && !before.uri().equals(segment.uri())) {
                    throw new AssertionError("media sequence " + segment.sequence() + " names both " + before.uri()
                            + " and " + segment.uri() + " (in" + version + ")");
                }
            }
        }
        return List.copyOf(bySequence.values());
    }

    /** The sum of the EXTINF durations. */
    public double totalDurationSeconds() {
        return segments.stream().mapToDouble(Segment::durationSeconds).sum();
    }

    public List<String> uris() {
        return segments.stream().map(Segment::uri).toList();
    }

    public Segment last() {
        if (segments.isEmpty()) {
            throw new IllegalStateException("empty playlist:\n" + text);
        }
        return segments.get(segments.size() - 1);
    }

    @Override
    public String toString() {
        return "\n" + text;
    }
}
