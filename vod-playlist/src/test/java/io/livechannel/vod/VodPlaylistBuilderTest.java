package io.livechannel.vod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.vod.VodPlaylistException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VodPlaylistBuilderTest {
    private static final String CHANNEL = "ch1";
    /** 2018-12-04T03:55:06Z, the first segment of the OSS doc's GetVodPlaylist sample (wire spec §9). */
    private static final long T0 = 1543895706L;
    private static final TimeRange RANGE = new TimeRange(T0, T0 + 3600);

    @Test
    void writesTheShapeOfTheDocumentedVodPlaylist() {
        List<SegmentRecord> segments = List.of(
                segment(1543895706266L, 7_120_000, 0, true),   // first of a publish: flag set, but first listed
                segment(1543895706323L, 5_840_000, 1, false),
                segment(1543895706390L, 12_004_000, 2, false)); // 12.004 s: target duration 13

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments);

        assertThat(playlist.text()).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-TARGETDURATION:13
                #EXTINF:7.120,
                1543895706266.ts
                #EXTINF:5.840,
                1543895706323.ts
                #EXTINF:12.004,
                1543895706390.ts
                #EXT-X-ENDLIST
                """);
        assertThat(playlist.segmentCount()).isEqualTo(3);
        assertThat(playlist.durationMillis()).isEqualTo(24_964);
        assertThat(playlist.targetDurationSeconds()).isEqualTo(13);
        assertThat(VodPlaylist.CONTENT_TYPE).isEqualTo("application/x-mpegURL");
    }

    @Test
    void listsASegmentStartingExactlyAtStartTimeAndNotOneStartingAMillisecondBefore() {
        TimeRange range = new TimeRange(T0, T0 + 60);
        List<SegmentRecord> segments = List.of(
                segment(T0 * 1000 - 1, 2_000_000, 0, false),
                segment(T0 * 1000, 2_000_000, 1, false));

        assertThat(names(VodPlaylistBuilder.build(CHANNEL, range, segments))).containsExactly(T0 * 1000 + ".ts");
    }

    @Test
    void listsSegmentsStartingInTheEndSecondAndNotAfterIt() {
        long end = T0 + 60;
        TimeRange range = new TimeRange(T0, end);
        List<SegmentRecord> segments = List.of(
                segment(end * 1000, 2_000_000, 0, false),       // exactly at endTime
                segment(end * 1000 + 999, 2_000_000, 1, false), // last millisecond of the endTime second
                segment(end * 1000 + 1000, 2_000_000, 2, false));

        assertThat(names(VodPlaylistBuilder.build(CHANNEL, range, segments)))
                .containsExactly(end * 1000 + ".ts", (end * 1000 + 999) + ".ts");
    }

    @Test
    void marksEveryPublishSessionAfterTheFirstWithADiscontinuity() {
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms, 2_000_000, 10, true),             // session 1
                segment(ms + 2_000, 2_000_000, 11, false),
                segment(ms + 60_000, 2_000_000, 12, true),    // session 2
                segment(ms + 62_000, 1_000_000, 13, false),
                segment(ms + 120_000, 2_000_000, 14, true));  // session 3

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments);

        assertThat(playlist.text()).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-TARGETDURATION:2
                #EXTINF:2.000,
                %d.ts
                #EXTINF:2.000,
                %d.ts
                #EXT-X-DISCONTINUITY
                #EXTINF:2.000,
                %d.ts
                #EXTINF:1.000,
                %d.ts
                #EXT-X-DISCONTINUITY
                #EXTINF:2.000,
                %d.ts
                #EXT-X-ENDLIST
                """.formatted(ms, ms + 2_000, ms + 60_000, ms + 62_000, ms + 120_000));
    }

    @Test
    void startsWithoutDiscontinuityWhenTheRangeBeginsMidSession() {
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms - 2_000, 2_000_000, 4, true),  // before the range
                segment(ms, 2_000_000, 5, false),
                segment(ms + 2_000, 2_000_000, 6, false));

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments);

        assertThat(playlist.text()).doesNotContain("DISCONTINUITY");
        assertThat(playlist.segmentCount()).isEqualTo(2);
    }

    @Test
    void leavesOutDeletedSegments() {
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms, 2_000_000, 0, true),
                segment(ms + 2_000, 2_000_000, 1, false),
                segment(ms + 4_000, 2_000_000, 2, false));
        Set<String> stored = Set.of(key(ms), key(ms + 2_000));

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments, stored::contains);

        assertThat(names(playlist)).containsExactly(ms + ".ts", (ms + 2_000) + ".ts");
        assertThat(playlist.text()).doesNotContain("DISCONTINUITY");
        assertThat(playlist.durationMillis()).isEqualTo(4_000);
    }

    @Test
    void keepsTheDiscontinuityOfADeletedFirstSegmentOfASession() {
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms, 2_000_000, 0, true),
                segment(ms + 60_000, 2_000_000, 1, true),   // session 2 starts; this object was deleted
                segment(ms + 62_000, 2_000_000, 2, false));
        Set<String> deleted = Set.of(key(ms + 60_000));

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments, k -> !deleted.contains(k));

        assertThat(playlist.text()).contains("""
                %d.ts
                #EXT-X-DISCONTINUITY
                #EXTINF:2.000,
                %d.ts
                """.formatted(ms, ms + 62_000));
        assertThat(playlist.segmentCount()).isEqualTo(2);
    }

    @Test
    void keepsTheDiscontinuityOfADeletedFirstSegmentWhenSequenceNumbersRestart() {
        // A re-created channel starts its counters again, so the sequence alone shows no gap here.
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms, 2_000_000, 0, true),            // old channel, one segment
                segment(ms + 60_000, 2_000_000, 0, true),   // re-created channel, first publish; deleted
                segment(ms + 62_000, 2_000_000, 1, false));
        Set<String> deleted = Set.of(key(ms + 60_000));

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments, k -> !deleted.contains(k));

        assertThat(playlist.text()).contains("%d.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\n%d.ts\n"
                .formatted(ms, ms + 62_000));
    }

    @Test
    void marksADiscontinuityWhereASegmentIsMissingFromTheIndex() {
        // Sequence 1 was removed from the index (DeleteObject): timestamps jump by one segment.
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms, 2_000_000, 0, true),
                segment(ms + 4_000, 2_000_000, 2, false),
                segment(ms + 6_000, 2_000_000, 3, false));

        String text = VodPlaylistBuilder.build(CHANNEL, RANGE, segments).text();

        assertThat(text).contains("#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\n" + (ms + 4_000) + ".ts\n");
        assertThat(text.split("#EXT-X-DISCONTINUITY", -1)).hasSize(2);
    }

    @Test
    void refusesARangeWithoutSegments() {
        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> VodPlaylistBuilder.build(CHANNEL, new TimeRange(100, 200), List.of()));

        assertThat(e.reason()).isEqualTo(Reason.NO_SEGMENTS);
        assertThat(e).hasMessage("no stored segment of channel 'ch1' starts between startTime 100 and endTime 200;"
                + " there is nothing to play");
    }

    @Test
    void refusesARangeWhoseSegmentsAllLieOutsideIt() {
        List<SegmentRecord> outside = List.of(segment(99_999, 2_000_000, 0, true), segment(201_000, 2_000_000, 1, false));

        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> VodPlaylistBuilder.build(CHANNEL, new TimeRange(100, 200), outside));

        assertThat(e.reason()).isEqualTo(Reason.NO_SEGMENTS);
    }

    @Test
    void refusesARangeWhoseSegmentsWereAllDeleted() {
        List<SegmentRecord> segments = List.of(segment(T0 * 1000, 2_000_000, 0, true),
                segment(T0 * 1000 + 2_000, 2_000_000, 1, false));

        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> VodPlaylistBuilder.build(CHANNEL, RANGE, segments, k -> false));

        assertThat(e.reason()).isEqualTo(Reason.NO_SEGMENTS);
        assertThat(e).hasMessage("all 2 segments of channel 'ch1' that start between startTime 1543895706 and"
                + " endTime 1543899306 were deleted; there is nothing to play");
    }

    @Test
    void refusesMoreSegmentsThanTheLimitBeforeBuildingAnything() {
        List<SegmentRecord> tooMany = Collections.nCopies(VodPlaylistBuilder.MAX_SEGMENTS + 1,
                segment(T0 * 1000, 1_000_000, 0, false));

        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class,
                () -> VodPlaylistBuilder.build(CHANNEL, RANGE, tooMany));

        assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_SEGMENTS);
        assertThat(e.getMessage()).startsWith("200001 segments of channel 'ch1' start between")
                .endsWith("a VoD playlist lists at most 200000, ask for a shorter range");
    }

    @Test
    void roundsDurationsHalfUpToMilliseconds() {
        long ms = T0 * 1000;
        List<SegmentRecord> segments = List.of(
                segment(ms, 2_000_499, 0, false),
                segment(ms + 1, 2_000_500, 1, false),
                segment(ms + 2, 40_000, 2, false),
                segment(ms + 3, 0, 3, false));

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments);

        assertThat(extinfs(playlist)).containsExactly("2.000", "2.001", "0.040", "0.000");
        assertThat(playlist.durationMillis()).isEqualTo(4_041);
        assertThat(playlist.targetDurationSeconds()).isEqualTo(3);
    }

    @Test
    void targetDurationIsTheCeilingOfTheLongestWrittenDuration() {
        long ms = T0 * 1000;
        assertThat(build(ms, 6_000_000).targetDurationSeconds()).isEqualTo(6);
        assertThat(build(ms, 5_999_500).targetDurationSeconds()).isEqualTo(6);  // written as 6.000
        assertThat(build(ms, 6_000_500).targetDurationSeconds()).isEqualTo(7);  // written as 6.001
        assertThat(build(ms, 0).targetDurationSeconds()).isEqualTo(1);          // RFC 8216 wants a positive integer
    }

    @Test
    void everyRoundedDurationFitsTheTargetDuration() {
        SplittableRandom random = new SplittableRandom(7);
        List<SegmentRecord> segments = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            segments.add(segment(T0 * 1000 + i, random.nextLong(0, 120_000_000), i, random.nextInt(10) == 0));
        }

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments);

        for (String extinf : extinfs(playlist)) {
            assertThat(Math.round(Double.parseDouble(extinf))).isLessThanOrEqualTo(playlist.targetDurationSeconds());
        }
        assertThat(Math.round(Double.parseDouble(Collections.max(extinfs(playlist),
                (a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b))))))
                .isGreaterThanOrEqualTo(playlist.targetDurationSeconds() - 1);
    }

    @Test
    void sortsSegmentsThatArriveOutOfStartOrder() {
        long ms = T0 * 1000;
        List<SegmentRecord> segments = new LinkedList<>(List.of(
                segment(ms + 4_000, 2_000_000, 2, false),
                segment(ms, 2_000_000, 0, false),
                segment(ms + 2_000, 2_000_000, 1, false)));

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, RANGE, segments);

        assertThat(names(playlist)).containsExactly(ms + ".ts", (ms + 2_000) + ".ts", (ms + 4_000) + ".ts");
        assertThat(playlist.text()).doesNotContain("DISCONTINUITY");
        assertThat(segments.get(0).sequence()).as("input left unchanged").isEqualTo(2);
    }

    @Test
    void writesANonAsciiChannelsRelativeNamesAsUtf8() {
        String channel = "直播";
        SegmentRecord segment = new SegmentRecord("bucket", channel, channel + "/" + T0 * 1000 + ".ts", T0 * 1000,
                2_000_000, 0, true, 1000);

        VodPlaylist playlist = VodPlaylistBuilder.build(channel, RANGE, List.of(segment));

        assertThat(names(playlist)).containsExactly(T0 * 1000 + ".ts");
        assertThat(new String(playlist.bytes(), StandardCharsets.UTF_8)).isEqualTo(playlist.text());
    }

    @Test
    void aSegmentOfAnotherChannelIsACallerBug() {
        SegmentRecord other = new SegmentRecord("bucket", "ch10", "ch10/1.ts", T0 * 1000, 2_000_000, 0, true, 1);
        SegmentRecord prefixOnly = new SegmentRecord("bucket", CHANNEL, "ch10/1.ts", T0 * 1000, 2_000_000, 0, true, 1);

        assertThatThrownBy(() -> VodPlaylistBuilder.build(CHANNEL, RANGE, List.of(other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ch10/1.ts");
        assertThatThrownBy(() -> VodPlaylistBuilder.build(CHANNEL, RANGE, List.of(prefixOnly)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildsADayOfTwoSecondSegments() {
        TimeRange day = new TimeRange(T0, T0 + 86_399);
        List<SegmentRecord> segments = new ArrayList<>(43_200);
        for (int i = 0; i < 43_200; i++) {
            // 2.000 s each, a new publish session every hour.
            segments.add(segment(T0 * 1000 + i * 2_000L, 2_000_000, i, i % 1_800 == 0));
        }

        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, day, segments);

        assertThat(playlist.segmentCount()).isEqualTo(43_200);
        assertThat(playlist.durationMillis()).isEqualTo(86_400_000);
        assertThat(names(playlist)).hasSize(43_200).endsWith((T0 * 1000 + 43_199 * 2_000L) + ".ts");
        assertThat(playlist.text().split("#EXT-X-DISCONTINUITY\n", -1)).hasSize(24);
        assertThat(playlist.text()).startsWith("#EXTM3U\n").endsWith("#EXT-X-ENDLIST\n");
    }

    private static VodPlaylist build(long startMillis, long durationMicros) {
        return VodPlaylistBuilder.build(CHANNEL, RANGE, List.of(segment(startMillis, durationMicros, 0, true)));
    }

    private static SegmentRecord segment(long startMillis, long durationMicros, long sequence, boolean discontinuity) {
        return new SegmentRecord("bucket", CHANNEL, key(startMillis), startMillis, durationMicros, sequence,
                discontinuity, 188 * 1000);
    }

    private static String key(long startMillis) {
        return CHANNEL + "/" + startMillis + ".ts";
    }

    private static List<String> names(VodPlaylist playlist) {
        List<String> names = new ArrayList<>();
        for (String line : playlist.text().split("\n")) {
            if (!line.startsWith("#")) {
                names.add(line);
            }
        }
        return names;
    }

    private static List<String> extinfs(VodPlaylist playlist) {
        List<String> durations = new ArrayList<>();
        Matcher m = Pattern.compile("^#EXTINF:(\\d+\\.\\d{3}),$", Pattern.MULTILINE).matcher(playlist.text());
        while (m.find()) {
            durations.add(m.group(1));
        }
        return durations;
    }
}
