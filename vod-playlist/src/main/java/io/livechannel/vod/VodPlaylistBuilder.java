package io.livechannel.vod;

import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.vod.VodPlaylistException.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.Predicate;

/**
 * Writes the HLS VoD media playlist of one channel's segments in a {@link TimeRange} (livechannel spec
 * "PostVodPlaylist", OSS wire spec §9, RFC 8216 §4.3). The output has the shape of the OSS documentation's
 * GetVodPlaylist sample:
 *
 * <pre>
 * #EXTM3U
 * #EXT-X-VERSION:3
 * #EXT-X-MEDIA-SEQUENCE:0
 * #EXT-X-TARGETDURATION:7          ceil of the longest EXTINF, at least 1, so it is &gt;= every rounded EXTINF
 * #EXTINF:6.400,                   durationMicros rounded half-up to milliseconds
 * 1543895706266.ts                 the object key without "&lt;channel&gt;/"
 * #EXT-X-DISCONTINUITY             see below
 * #EXTINF:5.840,
 * 1543895706323.ts
 * #EXT-X-ENDLIST
 * </pre>
 *
 * <p>Which segments: those of the list whose start time is in the range ({@link TimeRange#contains}) and whose
 * object still exists ({@code objectExists}), in start-time order. {@code #EXT-X-DISCONTINUITY} precedes every
 * listed segment except the first when (a) its {@code discontinuity} flag is set (new publish session, forced
 * cut, timestamp jump), (b) a segment left out between it and the previous listed one carried the flag, which
 * would otherwise be lost with the deleted object, or (c) its {@code sequence} is not the previous listed
 * one's plus one: a segment is missing (deleted and removed from the index, or never stored), so timestamps
 * jump, and RFC 8216 §4.3.2.3 requires the tag for a timestamp sequence change.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>limit</th><th>value</th><th>why</th></tr>
 *   <tr><td>{@link #MAX_SEGMENTS}</td><td>{@value #MAX_SEGMENTS}</td><td>a day of 1-second segments (the
 *       shortest FragDuration) is 86,400; the rest leaves room for short sessions; bounds the text at a few MB
 *       </td></tr>
 * </table>
 *
 * <p>Threading: stateless and pure; call from any thread. It does no I/O itself, but {@code objectExists} may;
 * the caller runs it where that is allowed (the storage executor, with the {@code SegmentIndex} query).
 * Performance: two passes over the list, one {@link StringBuilder} sized exactly up front, no per-line
 * formatting objects; see {@code VodPlaylistBenchmark} in {@code docs/benchmarks.md}.
 */
public final class VodPlaylistBuilder {
    /** Most segments one playlist may list; more is refused with {@link Reason#TOO_MANY_SEGMENTS}. */
    public static final int MAX_SEGMENTS = 200_000;

    private static final String HEADER = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:";
    private static final String DISCONTINUITY = "#EXT-X-DISCONTINUITY\n";
    private static final String EXTINF = "#EXTINF:";
    private static final String ENDLIST = "#EXT-X-ENDLIST\n";
    /** {@code ".mmm,\n"} after the whole seconds of an EXTINF, plus the {@code '\n'} after the name. */
    private static final int EXTINF_FIXED_CHARS = EXTINF.length() + 6 + 1;
    private static final Comparator<SegmentRecord> START_ORDER =
            Comparator.comparingLong(SegmentRecord::startTimeMillis).thenComparingLong(SegmentRecord::sequence);

    private VodPlaylistBuilder() {
    }

    /** {@link #build(String, TimeRange, List, Predicate)} when every listed object still exists. */
    public static VodPlaylist build(String channel, TimeRange range, List<SegmentRecord> segments) {
        return build(channel, range, segments, objectKey -> true);
    }

    /**
     * Builds the playlist.
     *
     * @param channel the channel whose playlist this is; every record must belong to it
     * @param range the requested range; records outside it are left out
     * @param segments the channel's segments of the range, as {@code SegmentIndex.range} returns them (ordered by
     *        start time; any other order is sorted first); not modified
     * @param objectExists whether a segment's object key still exists in storage; false leaves it out
     * @throws VodPlaylistException {@link Reason#NO_SEGMENTS} when nothing is left to list,
     *         {@link Reason#TOO_MANY_SEGMENTS} when {@code segments} has more than {@link #MAX_SEGMENTS} entries
     * @throws IllegalArgumentException when a record belongs to another channel (a caller bug)
     */
    public static VodPlaylist build(String channel, TimeRange range, List<SegmentRecord> segments,
                                    Predicate<String> objectExists) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(objectExists, "objectExists");
        if (segments.size() > MAX_SEGMENTS) {
            throw new VodPlaylistException(Reason.TOO_MANY_SEGMENTS, TimeRange.END_TIME,
                    Long.toString(range.endTimeSeconds()), segments.size() + " segments of channel '"
                            + VodPlaylistException.echo(channel) + "' start between " + range.startTimeSeconds()
                            + " and " + range.endTimeSeconds() + "; a VoD playlist lists at most " + MAX_SEGMENTS
                            + ", ask for a shorter range");
        }
        List<SegmentRecord> ordered = inStartOrder(segments);
        Selection selection = select(channel, range, ordered, objectExists);
        if (selection.count == 0) {
            throw noSegments(channel, range, selection.skippedDeleted);
        }
        return write(ordered, selection, channel.length() + 1);
    }

    /** Pass 1: which records are listed, with which discontinuities, and how long the text will be. */
    private static Selection select(String channel, TimeRange range, List<SegmentRecord> ordered,
                                    Predicate<String> objectExists) {
        Selection s = new Selection(ordered.size());
        boolean pendingDiscontinuity = false;
        long previousSequence = -1;
        for (int i = 0; i < ordered.size(); i++) {
            SegmentRecord segment = ordered.get(i);
            checkBelongs(channel, segment);
            if (!range.contains(segment.startTimeMillis())) {
                continue;
            }
            if (!objectExists.test(segment.objectKey())) {
                pendingDiscontinuity |= segment.discontinuity();
                s.skippedDeleted++;
                continue;
            }
            boolean discontinuity = s.count > 0
                    && (segment.discontinuity() || pendingDiscontinuity || segment.sequence() != previousSequence + 1);
            s.add(i, discontinuity, segment, channel.length() + 1);
            pendingDiscontinuity = false;
            previousSequence = segment.sequence();
        }
        return s;
    }

    /** Pass 2: the text, into one exactly sized builder. */
    private static VodPlaylist write(List<SegmentRecord> ordered, Selection s, int prefixLength) {
        long targetDurationSeconds = Math.max(1, (s.maxMillis + 999) / 1000);
        long length = HEADER.length() + decimalDigits(targetDurationSeconds) + 1 + s.entryChars + ENDLIST.length();
        StringBuilder text = new StringBuilder(Math.toIntExact(length));
        text.append(HEADER).append(targetDurationSeconds).append('\n');
        for (int e = 0; e < s.count; e++) {
            int entry = s.entries[e];
            SegmentRecord segment = ordered.get(entry >>> 1);
            if ((entry & 1) != 0) {
                text.append(DISCONTINUITY);
            }
            appendExtinf(text, roundToMillis(segment.durationMicros()));
            String key = segment.objectKey();
            text.append(key, prefixLength, key.length()).append('\n');
        }
        text.append(ENDLIST);
        assert text.length() == length : "sized " + length + ", wrote " + text.length();
        return new VodPlaylist(text.toString(), s.count, s.totalMillis, targetDurationSeconds);
    }

    /** {@code #EXTINF:<seconds>.<3 digits>,\n} without String.format or temporary strings. */
    private static void appendExtinf(StringBuilder text, long millis) {
        long fraction = millis % 1000;
        text.append(EXTINF).append(millis / 1000).append('.')
                .append((char) ('0' + fraction / 100))
                .append((char) ('0' + fraction / 10 % 10))
                .append((char) ('0' + fraction % 10))
                .append(",\n");
    }

    private static long roundToMillis(long micros) {
        return micros / 1000 + (micros % 1000 >= 500 ? 1 : 0);
    }

    private static int decimalDigits(long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    private static List<SegmentRecord> inStartOrder(List<SegmentRecord> segments) {
        List<SegmentRecord> list = segments instanceof RandomAccess ? segments : new ArrayList<>(segments);
        for (int i = 1; i < list.size(); i++) {
            if (START_ORDER.compare(list.get(i - 1), list.get(i)) > 0) {
                List<SegmentRecord> sorted = new ArrayList<>(list);
                sorted.sort(START_ORDER);
                return sorted;
            }
        }
        return list;
    }

    private static void checkBelongs(String channel, SegmentRecord segment) {
        String key = segment.objectKey();
        if (!segment.channel().equals(channel) || key.length() <= channel.length() + 1
                || !key.startsWith(channel) || key.charAt(channel.length()) != '/') {
            throw new IllegalArgumentException("segment " + key + " of channel " + segment.channel()
                    + " is not a segment of channel " + channel);
        }
    }

    private static VodPlaylistException noSegments(String channel, TimeRange range, int skippedDeleted) {
        String what = skippedDeleted == 0
                ? "no stored segment of channel '" + VodPlaylistException.echo(channel) + "' starts"
                : "all " + skippedDeleted + " segments of channel '" + VodPlaylistException.echo(channel)
                        + "' that start";
        String tail = skippedDeleted == 0 ? "" : " were deleted";
        return new VodPlaylistException(Reason.NO_SEGMENTS, TimeRange.START_TIME,
                Long.toString(range.startTimeSeconds()), what + " between startTime " + range.startTimeSeconds()
                        + " and endTime " + range.endTimeSeconds() + tail + "; there is nothing to play");
    }

    /** What pass 1 found: listed indexes ({@code index << 1 | discontinuity}) and the text size. */
    private static final class Selection {
        final int[] entries;
        int count;
        int skippedDeleted;
        long maxMillis;
        long totalMillis;
        long entryChars;

        Selection(int capacity) {
            entries = new int[capacity];
        }

        void add(int index, boolean discontinuity, SegmentRecord segment, int prefixLength) {
            long millis = roundToMillis(segment.durationMicros());
            entries[count++] = index << 1 | (discontinuity ? 1 : 0);
            maxMillis = Math.max(maxMillis, millis);
            totalMillis += millis;
            entryChars += EXTINF_FIXED_CHARS + decimalDigits(millis / 1000)
                    + segment.objectKey().length() - prefixLength + (discontinuity ? DISCONTINUITY.length() : 0);
        }
    }
}
