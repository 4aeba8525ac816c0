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
 * @param ended                     whether it has {@code #EXT-X-ENDLIST} (its publish ended cleanly)
 */
record LivePlaylistText(long mediaSequence, long discontinuitySequence, List<Entry> entries, boolean ended) {
    /** Digits before the point in an {@code EXTINF} duration: whole seconds that fit a long in microseconds. */
    private static final int MAX_SECONDS_DIGITS = 12;

    /** One listed segment; {@code startMillis} is empty when it has no {@code EXT-X-PROGRAM-DATE-TIME}. */
    record Entry(String fileName, long durationMicros, boolean discontinuity, Optional<Long> startMillis) {
        /** When the segment ends, in epoch milliseconds (rounded down); empty without a start. */
        Optional<Long> endMillis() {
            return startMillis.map(start -> start + durationMicros / 1000);
        }
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

    /**
     * @throws IllegalArgumentException when it is not an M3U8 playlist, or a sequence, duration or date in it is
     *     malformed or negative
     */
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
        boolean ended = false;
        for (String line : lines) {
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                mediaSequence = number(line);
            } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                discontinuitySequence = number(line);
            } else if (line.equals("#EXT-X-ENDLIST")) {
                ended = true;
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                start = Optional.of(dateTime(line));
            } else if (line.startsWith("#EXTINF:")) {
                durationMicros = seconds(line);
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                if (durationMicros < 0) {
                    throw new IllegalArgumentException("URI without #EXTINF: " + quoted(line));
                }
                entries.add(new Entry(fileName(line), durationMicros, discontinuity, start));
                durationMicros = -1;
                discontinuity = false;
                start = Optional.empty();
            }
        }
        return new LivePlaylistText(mediaSequence, discontinuitySequence, entries, ended);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }

    private static long number(String line) {
        long number;
        try {
            number = Long.parseLong(value(line));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in " + quoted(line), e);
        }
        if (number < 0) {
            throw new IllegalArgumentException("negative number in " + quoted(line));
        }
        return number;
    }

    /** At most 80 characters of a line, for a message. */
    private static String quoted(String line) {
        return "'" + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'";
    }

    private static long dateTime(String line) {
        try {
            return OffsetDateTime.parse(value(line)).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad date-time in " + quoted(line), e);
        }
    }

    /** {@code #EXTINF:<seconds>,[title]} in microseconds. */
    private static long seconds(String line) {
        String value = value(line);
        int comma = value.indexOf(',');
        String seconds = comma < 0 ? value : value.substring(0, comma);
        long micros;
        try {
            if (seconds.length() > 20) {
                throw new NumberFormatException("too long");
            }
            BigDecimal decimal = new BigDecimal(seconds);
            // "1e100000079" is short, but moving its point would compute a hundred-million-digit integer
            if (decimal.precision() - decimal.scale() > MAX_SECONDS_DIGITS) {
                throw new NumberFormatException("too large");
            }
            micros = decimal.movePointRight(6).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("bad duration in " + quoted(line), e);
        }
        if (micros < 0) {
            throw new IllegalArgumentException("negative duration in " + quoted(line));
        }
        return micros;
    }

    private static String fileName(String uri) {
        String name = uri;
        while (name.startsWith("../")) {
            name = name.substring(3);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("URI names no file: " + quoted(uri));
        }
        return name;
    }
}
