package io.livechannel.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;

/**
 * The rolling live media playlist (RFC 8216 §4.3, §6.2.1-6.2.2): the newest FragCount segments.
 *
 * <pre>
 * #EXTM3U
 * #EXT-X-VERSION:3                      EXTINF has decimals (§4.3.2.1)
 * #EXT-X-TARGETDURATION:6               max(FragDuration, every EXTINF rounded) of this publish; never lowered
 * #EXT-X-MEDIA-SEQUENCE:41              continues across publishes (restored {@link PlaylistState})
 * #EXT-X-DISCONTINUITY-SEQUENCE:2       always written: tags sliding out must not renumber (nginx-rtmp #869)
 * #EXT-X-DISCONTINUITY                  first segment of a publish after earlier ones, and after jumps/changes
 * #EXT-X-PROGRAM-DATE-TIME:2026-11-21T18:10:00.123Z
 * #EXTINF:5.005,
 * 1763748600123.ts                      relative to the playlist object
 * #EXT-X-ENDLIST                        once the publisher stopped
 * </pre>
 *
 * <p>{@code EXT-X-INDEPENDENT-SEGMENTS} is never written: a forced cut starts a segment without a keyframe
 * (§4.3.5.1). Not thread-safe.
 */
final class LivePlaylist {
    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private final int fragCount;
    private final String uriPrefix;
    private final ArrayDeque<SegmentInfo> window;
    private long nextMediaSequence;
    private long windowDiscontinuitySequence;
    private long discontinuitiesBeforeNext;
    private int targetDurationSeconds;
    private boolean ended;

    LivePlaylist(HlsSettings settings, PlaylistState restored) {
        this.fragCount = settings.fragCount();
        this.uriPrefix = "../".repeat(countSlashes(settings.playlistName()));
        this.window = new ArrayDeque<>(fragCount + 1);
        this.nextMediaSequence = restored.nextMediaSequence();
        this.windowDiscontinuitySequence = restored.discontinuitySequence();
        this.discontinuitiesBeforeNext = restored.discontinuitySequence();
        this.targetDurationSeconds = settings.fragDurationSeconds();
    }

    boolean hasSegments() {
        return !window.isEmpty();
    }

    long nextMediaSequence() {
        return nextMediaSequence;
    }

    /** Throws unless {@code segment} may be {@link #add added} next: its media sequence follows, not ended. */
    void checkNext(SegmentInfo segment) {
        if (ended || segment.mediaSequence() != nextMediaSequence) {
            throw new IllegalStateException("segment " + segment.mediaSequence() + " does not follow "
                    + nextMediaSequence + (ended ? " (playlist ended)" : ""));
        }
    }

    /** Appends a segment (its {@code mediaSequence} must be {@link #nextMediaSequence()}); drops the oldest. */
    void add(SegmentInfo segment) {
        checkNext(segment);
        window.addLast(segment);
        nextMediaSequence++;
        if (segment.discontinuity()) {
            discontinuitiesBeforeNext++;
        }
        if (window.size() > fragCount && window.removeFirst().discontinuity()) {
            windowDiscontinuitySequence++;
        }
        targetDurationSeconds = Math.max(targetDurationSeconds, roundedSeconds(segment.durationMicros()));
    }

    /** Marks the playlist ended ({@code #EXT-X-ENDLIST}). */
    void end() {
        ended = true;
    }

    int targetDurationSeconds() {
        return targetDurationSeconds;
    }

    PlaylistState state() {
        return new PlaylistState(nextMediaSequence, discontinuitiesBeforeNext);
    }

    String render() {
        StringBuilder m3u8 = new StringBuilder(160 + window.size() * 120);
        m3u8.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        m3u8.append("#EXT-X-TARGETDURATION:").append(targetDurationSeconds).append('\n');
        long first = window.isEmpty() ? nextMediaSequence : window.getFirst().mediaSequence();
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
        m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(windowDiscontinuitySequence).append('\n');
        for (SegmentInfo segment : window) {
            if (segment.discontinuity()) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(PROGRAM_DATE_TIME.format(Instant.ofEpochMilli(segment.startTimeMillis()))).append('\n');
            m3u8.append("#EXTINF:");
            appendSeconds(m3u8, segment.durationMicros());
            m3u8.append(",\n").append(uriPrefix).append(fileName(segment.objectKey())).append('\n');
        }
        if (ended) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return m3u8.toString();
    }

    /** Seconds with 3 decimals, rounded to the millisecond. */
    static void appendSeconds(StringBuilder out, long micros) {
        long millis = (micros + 500) / 1000;
        long fraction = millis % 1000;
        out.append(millis / 1000).append('.');
        if (fraction < 100) {
            out.append(fraction < 10 ? "00" : "0");
        }
        out.append(fraction);
    }

    /** EXTINF rounded to the nearest second, as RFC 8216 §4.3.3.1 compares it with the target duration. */
    static int roundedSeconds(long micros) {
        return (int) ((micros + 500_000) / 1_000_000);
    }

    private static String fileName(String objectKey) {
        return objectKey.substring(objectKey.indexOf('/') + 1);
    }

    private static int countSlashes(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
