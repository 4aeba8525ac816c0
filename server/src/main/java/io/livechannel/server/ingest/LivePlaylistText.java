package io.livechannel.server.ingest;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link UncleanStopRecovery} reads back from a stored live playlist, as the packager writes it
 * ({@code io.livechannel.hls.LivePlaylist}): the media and discontinuity sequences and, per segment, its
 * discontinuity tag, program date-time, {@code EXTINF} and file name (the URI without its {@code ../} steps up from
 * the playlist's folder). Other tags are ignored.
 *
 * @param mediaSequence             {@code EXT-X-MEDIA-SEQUENCE}: the first entry's sequence number
 * @param discontinuitySequence     {@code EXT-X-DISCONTINUITY-SEQUENCE}
 * @param entries                   the segments, in order
 */
record LivePlaylistText(long mediaSequence, long discontinuitySequence, List<Entry> entries) {
    /** One listed segment; {@code startMillis} is empty when it has no {@code EXT-X-PROGRAM-DATE-TIME}. */
    record Entry(String fileName, long durationMicros, boolean discontinuity, Optional<Long> startMillis) {
    }

    LivePlaylistText {
        entries = List.copyOf(entries);
    }

    /**
     * The discontinuity sequence of a segment after the last entry: the playlist's, plus its discontinuity tags
     * (the counter a publish continues from, {@code PlaylistState#discontinuitySequence}).
     */
    long nextDiscontinuitySequence() {
        return discontinuitySequence + entries.stream().filter(Entry::discontinuity).count();
    }

    /** @throws IllegalArgumentException when it is not an M3U8 playlist or a number or date in it is malformed */
    static LivePlaylistText parse(String text) {
        String[] lines = text.split("\r?\n");
        if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
            throw new IllegalArgumentException("not an M3U8 playlist");
        }
        long mediaSequence = 0;
        long discontinuitySequence = 0;
        List<Entry> entries = new ArrayList<>();
        long durationMicros = -1;
        boolean discontinuity = false;
        Optional<Long> start = Optional.empty();
        for (String line : lines) {
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                mediaSequence = number(line);
            } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                discontinuitySequence = number(line);
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                start = Optional.of(dateTime(line));
            } else if (line.startsWith("#EXTINF:")) {
                durationMicros = seconds(line);
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                if (durationMicros < 0) {
                    throw new IllegalArgumentException("URI without #EXTINF: " + line);
                }
                entries.add(new Entry(fileName(line), durationMicros, discontinuity, start));
                durationMicros = -1;
                discontinuity = false;
                start = Optional.empty();
            }
        }
        return new LivePlaylistText(mediaSequence, discontinuitySequence, entries);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }

    private static long number(String line) {
        try {
            return Long.parseLong(value(line));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in " + line, e);
        }
    }

    private static long dateTime(String line) {
        try {
            return OffsetDateTime.parse(value(line)).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad date-time in " + line, e);
        }
    }

    /** {@code #EXTINF:<seconds>,[title]} in microseconds. */
    private static long seconds(String line) {
        String value = value(line);
        int comma = value.indexOf(',');
        try {
            return new BigDecimal(comma < 0 ? value : value.substring(0, comma)).movePointRight(6).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("bad duration in " + line, e);
        }
    }

    private static String fileName(String uri) {
        String name = uri;
        while (name.startsWith("../")) {
            name = name.substring(3);
        }
        return name;
    }
}
