package io.livechannel.hls;

import io.livechannel.flv.VideoTagHeader;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The segmenting and playlist rules, driven with captured ffmpeg tags re-timestamped into the shapes under test. */
class HlsPackagerTest {
    static final long T0 = 1_763_748_000_000L;
    static CapturedTags tags;

    final RecordingOutput output = new RecordingOutput();
    final AtomicLong now = new AtomicLong(T0);
    final LongSupplier clock = () -> now.getAndAdd(1_000);
    final TrackingAllocator allocator = new TrackingAllocator();

    @BeforeAll
    static void captureTags() throws Exception {
        tags = CapturedTags.load();
    }

    HlsPackager packager(int fragDurationSeconds, int fragCount, PlaylistState restored) {
        return new HlsPackager(new HlsSettings("ch", "playlist.m3u8", fragDurationSeconds, fragCount), output, clock,
                restored, allocator);
    }

    @AfterEach
    void everyAllocatedBufferWasReleased() {
        allocator.assertAllReleased();
    }

    static void headers(HlsPackager packager) {
        FlvFile.feed(packager, tags.videoSequenceHeader);
        FlvFile.feed(packager, tags.audioSequenceHeader);
    }

    /** 25 fps video from {@code fromMillis} (inclusive) to {@code toMillis} (exclusive), keyframe every gop ms. */
    static void video(HlsPackager packager, long fromMillis, long toMillis, long gopMillis, long timestampShift) {
        for (long t = fromMillis; t < toMillis; t += 40) {
            FlvFile.feed(packager, tags.video(t + timestampShift, (t - fromMillis) % gopMillis == 0));
        }
    }

    /** Composition time (PTS − DTS) of the captured inter frame that {@link #video} repeats. */
    static long interCts() {
        return VideoTagHeader.read(Unpooled.wrappedBuffer(tags.interFrame.body())).compositionTimeMillis();
    }

    static List<Long> durationsMillis(RecordingOutput output) {
        return output.infos().stream().map(s -> s.durationMicros() / 1000).toList();
    }

    @Test
    void cutsOnFirstKeyframeAfterFragDuration() {
        HlsPackager packager = packager(3, 10, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 10_000, 2_000, 0); // keyframes at 0, 2, 4, 6, 8 s

        packager.finish();

        assertThat(durationsMillis(output)).containsExactly(4_000L, 4_000L, 2_000L);
        assertThat(output.infos()).extracting(SegmentInfo::cutReason)
                .containsExactly(CutReason.FRAG_DURATION, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
    }

    @Test
    void forcesCutAfterSixtySecondsWithoutKeyframe() {
        HlsPackager packager = packager(5, 10, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 70_000, 1_000_000, 0); // one keyframe at 0

        packager.finish();

        assertThat(durationsMillis(output)).containsExactly(60_000L, 10_000L);
        assertThat(output.infos()).extracting(SegmentInfo::cutReason)
                .containsExactly(CutReason.FORCED, CutReason.PUBLISH_END);
        assertThat(output.lastPlaylist().text()).contains("#EXT-X-TARGETDURATION:60\n");
    }

    @Test
    void forcedCutWaitsTwiceFragDurationWhenThatExceedsSixtySeconds() {
        HlsPackager packager = packager(40, 10, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 90_000, 1_000_000, 0);

        packager.finish();

        assertThat(durationsMillis(output)).containsExactly(80_000L, 10_000L);
    }

    @Test
    void dropsVideoBeforeFirstKeyframe() {
        HlsPackager packager = packager(2, 10, PlaylistState.INITIAL);
        headers(packager);
        FlvFile.feed(packager, tags.video(0, false));
        FlvFile.feed(packager, tags.video(40, false));
        video(packager, 80, 1_000, 5_000, 0);

        packager.finish();

        assertThat(packager.droppedUnits(DropReason.AWAITING_KEYFRAME)).isEqualTo(2);
        assertThat(output.segments).hasSize(1);
        TsInspector inspector = new TsInspector().inspect(output.segments.get(0).data());
        assertThat(inspector.pesOf(0x100)).hasSize(23);
        assertThat(inspector.pesOf(0x100).get(0).randomAccess()).isTrue();
    }

    @Test
    void backwardTimestampJumpStartsDiscontinuousSegmentAndKeepsTimeMonotonic() {
        HlsPackager packager = packager(2, 10, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 3_000, 1_000, 0);
        video(packager, 0, 3_000, 1_000, 0); // the encoder restarted its clock at 0

        packager.finish();

        List<SegmentInfo> infos = output.infos();
        assertThat(infos).extracting(SegmentInfo::cutReason).containsExactly(
                CutReason.FRAG_DURATION, CutReason.TIMESTAMP_JUMP, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        assertThat(infos).extracting(SegmentInfo::discontinuity).containsExactly(false, false, true, false);
        // the jumped frame is placed one frame (40 ms) after the last one
        assertThat(durationsMillis(output)).containsExactly(2_000L, 1_000L, 2_000L, 1_000L);
        assertThat(output.lastPlaylist().text()).contains("#EXT-X-DISCONTINUITY\n");
        TsInspector inspector = new TsInspector().inspect(output.concatenated());
        List<TsInspector.Pes> video = inspector.pesOf(0x100);
        for (int i = 1; i < video.size(); i++) {
            assertThat(video.get(i).dts()).isGreaterThan(video.get(i - 1).dts());
        }
    }

    @Test
    void forwardTimestampJumpStartsDiscontinuousSegment() {
        HlsPackager packager = packager(2, 10, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 3_000, 1_000, 0);
        video(packager, 3_000, 6_000, 1_000, 60_000); // 60 s forward

        packager.finish();

        assertThat(output.infos()).extracting(SegmentInfo::cutReason).containsExactly(
                CutReason.FRAG_DURATION, CutReason.TIMESTAMP_JUMP, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        assertThat(output.infos().get(2).discontinuity()).isTrue();
        assertThat(durationsMillis(output)).containsExactly(2_000L, 1_000L, 2_000L, 1_000L);
    }

    @Test
    void rtmpTimestampWrapAt32BitsIsNotAJump() {
        HlsPackager packager = packager(2, 10, PlaylistState.INITIAL);
        headers(packager);
        long start = (1L << 32) - 3_000; // wraps to 0 after 3 s
        for (long t = 0; t < 6_000; t += 40) {
            FlvFile.feed(packager, tags.video((start + t) & 0xFFFFFFFFL, t % 2_000 == 0));
        }

        packager.finish();

        assertThat(output.infos()).extracting(SegmentInfo::cutReason).containsExactly(
                CutReason.FRAG_DURATION, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        assertThat(output.infos()).noneMatch(SegmentInfo::discontinuity);
        assertThat(durationsMillis(output)).containsExactly(2_000L, 2_000L, 2_000L);
    }

    @Test
    void ptsWrapsAt33BitsWithoutBreakingSegmentDurations() {
        // PTS follow the wall clock (see republishContinuesTimestampsAfterThePreviousPublish): start 4 s before a
        // multiple of 2^33 ticks (every 26.5 h), so the stream's 6 s cross the wrap.
        long wrapIndex = T0 * 90 / (1L << 33) + 1;
        now.set((wrapIndex * (1L << 33) - 4 * 90_000) / 90);
        HlsPackager packager = packager(2, 10, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 6_000, 2_000, 0);

        packager.finish();

        assertThat(durationsMillis(output)).containsExactly(2_000L, 2_000L, 2_000L);
        TsInspector inspector = new TsInspector().inspect(output.concatenated());
        List<TsInspector.Pes> video = inspector.pesOf(0x100);
        assertThat(video.get(0).dts()).isGreaterThan((1L << 33) - 4 * 90_000);
        assertThat(video.get(video.size() - 1).dts()).isLessThan(4 * 90_000);
        long wraps = 0;
        for (int i = 1; i < video.size(); i++) {
            long step = (video.get(i).dts() - video.get(i - 1).dts()) & ((1L << 33) - 1);
            assertThat(step).isEqualTo(3_600);
            wraps += video.get(i).dts() < video.get(i - 1).dts() ? 1 : 0;
        }
        assertThat(wraps).isEqualTo(1);
        assertThat(inspector.errors).isEmpty();
    }

    @Test
    void playlistKeepsNewestFragCountSegmentsAndSlidesMediaSequence() {
        HlsPackager packager = packager(1, 3, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 6_000, 1_000, 0);

        packager.finish();

        assertThat(output.segments).hasSize(6);
        String last = output.lastPlaylist().text();
        List<String> uris = last.lines().filter(l -> l.endsWith(".ts")).toList();
        assertThat(uris).containsExactly(T0 + 3_000 + ".ts", T0 + 4_000 + ".ts", T0 + 5_000 + ".ts");
        assertThat(last).startsWith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:3\n"
                + "#EXT-X-DISCONTINUITY-SEQUENCE:0\n");
        assertThat(last).endsWith("#EXT-X-ENDLIST\n");
        assertThat(output.playlists).extracting(p -> p.text().contains("#EXT-X-ENDLIST")).containsExactly(
                false, false, false, false, false, true);
        assertThat(output.lastPlaylist().objectKey()).isEqualTo("ch/playlist.m3u8");
        // the next publish starts one frame after this one's last picture in display order
        assertThat(output.lastPlaylist().counters()).isEqualTo(new PlaylistState(6, 0, T0 + 6_000 + interCts()));
    }

    @Test
    void aSegmentTheOutputRefusesIsNeverListedAndTheNextOneFollowsADiscontinuity() {
        output.refuseCalls.add(1); // the second segment, as a full write backlog would refuse it
        HlsPackager packager = packager(1, 5, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 4_000, 1_000, 0);

        packager.finish();

        assertThat(output.calls).containsExactly("segment", "playlist", "refused", "segment", "playlist",
                "segment", "playlist");
        String refusedName = output.refused.get(0).objectKey().substring(3);
        assertThat(output.playlists).noneSatisfy(p -> assertThat(p.text()).contains(refusedName));
        // the refused segment's sequence number goes to the next one: numbers stay consecutive in the playlist
        assertThat(output.infos()).extracting(SegmentInfo::mediaSequence).containsExactly(0L, 1L, 2L);
        assertThat(output.infos()).extracting(SegmentInfo::discontinuity).containsExactly(false, true, false);
        String last = output.lastPlaylist().text();
        assertThat(last).contains("#EXT-X-MEDIA-SEQUENCE:0\n", "#EXT-X-DISCONTINUITY\n", "#EXT-X-ENDLIST\n");
        assertThat(last.lines().filter(l -> l.endsWith(".ts")).toList()).containsExactly(
                output.infos().stream().map(i -> i.objectKey().substring(3)).toArray(String[]::new));
        assertThat(output.lastPlaylist().counters().nextMediaSequence()).isEqualTo(3);
    }

    @Test
    void aRefusedLastSegmentStillEndsThePlaylist() {
        output.refuseCalls.add(2);
        HlsPackager packager = packager(1, 5, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 2_500, 1_000, 0);

        packager.finish();

        assertThat(output.calls).containsExactly("segment", "playlist", "segment", "playlist", "refused",
                "playlist");
        assertThat(output.lastPlaylist().text()).endsWith("#EXT-X-ENDLIST\n")
                .doesNotContain(output.refused.get(0).objectKey().substring(3));
        assertThat(output.lastPlaylist().text().lines().filter(l -> l.endsWith(".ts"))).hasSize(2);
    }

    @Test
    void aPublishWhoseOnlySegmentIsRefusedEmitsNoPlaylist() {
        output.refuseCalls.add(0);
        HlsPackager packager = packager(1, 5, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 500, 1_000, 0);

        packager.finish();

        assertThat(output.calls).containsExactly("refused");
    }

    @Test
    void everySegmentIsDeliveredBeforeThePlaylistThatListsIt() {
        HlsPackager packager = packager(1, 3, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 3_000, 1_000, 0);

        packager.finish();

        assertThat(output.calls).containsExactly("segment", "playlist", "segment", "playlist", "segment",
                "playlist");
        for (int i = 0; i < output.segments.size(); i++) {
            String key = output.segments.get(i).info().objectKey();
            assertThat(output.playlists.get(i).text()).contains(key.substring(3) + "\n");
        }
    }

    @Test
    void playlistCarriesProgramDateTimeAndMillisecondExtinf() {
        HlsPackager packager = packager(2, 3, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 2_000, 2_000, 0);
        FlvFile.feed(packager, tags.video(2_000, true));

        packager.finish();

        assertThat(output.lastPlaylist().text()).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-DISCONTINUITY-SEQUENCE:0
                #EXT-X-PROGRAM-DATE-TIME:2025-11-21T18:00:00.000Z
                #EXTINF:2.000,
                1763748000000.ts
                #EXT-X-PROGRAM-DATE-TIME:2025-11-21T18:00:01.000Z
                #EXTINF:0.040,
                1763748001000.ts
                #EXT-X-ENDLIST
                """);
    }

    @Test
    void republishContinuesMediaSequenceWithDiscontinuity() {
        HlsPackager first = packager(1, 2, PlaylistState.INITIAL);
        headers(first);
        video(first, 0, 3_000, 1_000, 0);
        first.finish();
        PlaylistState persisted = output.lastPlaylist().counters();
        assertThat(persisted).isEqualTo(new PlaylistState(3, 0, T0 + 3_000 + interCts()));

        HlsPackager second = packager(1, 2, persisted);
        headers(second);
        video(second, 0, 3_000, 1_000, 0); // encoder timestamps start at 0 again
        second.finish();

        List<SegmentInfo> republished = output.infos().subList(3, 6);
        assertThat(republished).extracting(SegmentInfo::mediaSequence).containsExactly(3L, 4L, 5L);
        assertThat(republished).extracting(SegmentInfo::discontinuity).containsExactly(true, false, false);
        String firstOfSecond = output.playlists.get(3).text();
        assertThat(firstOfSecond).contains("#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
                + "#EXT-X-DISCONTINUITY\n");
        // once the discontinuous segment slid out, the discontinuity sequence counts it
        assertThat(output.lastPlaylist().text()).contains("#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n")
                .doesNotContain("#EXT-X-DISCONTINUITY\n");
        assertThat(output.lastPlaylist().counters()).isEqualTo(new PlaylistState(6, 1, T0 + 6_000 + 2 * interCts()));
    }

    @Test
    void republishContinuesTimestampsAfterThePreviousPublish() {
        // The second publish comes a minute later by the wall clock: its PTS still continue right after the first
        // one's, so the timeline has no hole (a VoD over both lasts the sum of its segments).
        HlsPackager first = new HlsPackager(new HlsSettings("ch", "playlist.m3u8", 1, 5), output, () -> T0,
                PlaylistState.INITIAL, allocator);
        headers(first);
        video(first, 0, 3_000, 1_000, 0);
        first.finish();
        HlsPackager second = new HlsPackager(new HlsSettings("ch", "playlist.m3u8", 1, 5), output,
                () -> T0 + 60_000, output.lastPlaylist().counters(), allocator);
        headers(second);
        video(second, 0, 3_000, 1_000, 0); // encoder timestamps start at 0 again
        second.finish();

        List<TsInspector.Pes> video = new TsInspector().inspect(output.concatenated()).pesOf(0x100);
        assertThat(video).hasSize(150);
        assertThat(video.get(0).dts()).isEqualTo((T0 * 90 + 90_000) & ((1L << 33) - 1));
        long interCtsTicks = interCts() * 90L;
        for (int i = 1; i < video.size(); i++) {
            long step = (video.get(i).dts() - video.get(i - 1).dts()) & ((1L << 33) - 1);
            // at the republish: one frame after the first publish's last picture in display order (its DTS + CTS)
            assertThat(step).as("DTS step into frame %d", i).isEqualTo(i == 75 ? 3_600 + interCtsTicks : 3_600);
        }
        long lastPtsOfFirst = video.subList(0, 75).stream().mapToLong(TsInspector.Pes::pts).max().orElseThrow();
        assertThat(video.get(75).pts()).as("the second publish shows its first picture after the first's last")
                .isGreaterThan(lastPtsOfFirst);
        assertThat(output.lastPlaylist().counters().nextTimestampMillis()).isEqualTo(T0 + 6_000 + 2 * interCts());
    }

    @Test
    void targetDurationIsNeverLoweredDuringAPublish() {
        HlsPackager packager = packager(2, 2, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 7_000, 7_000, 0); // first segment 7 s (GOP 7 s)
        video(packager, 7_000, 15_000, 2_000, 0); // then 2 s segments

        packager.finish();

        assertThat(output.playlists).allSatisfy(p -> assertThat(p.text()).contains("#EXT-X-TARGETDURATION:7\n"));
        assertThat(output.lastPlaylist().text()).doesNotContain("#EXTINF:7.000");
    }

    @Test
    void segmentNamesStrictlyIncreaseEvenWhenTheClockStands() {
        HlsPackager packager = new HlsPackager(new HlsSettings("ch", "playlist.m3u8", 1, 5), output, () -> T0,
                PlaylistState.INITIAL, allocator);
        headers(packager);
        video(packager, 0, 3_000, 1_000, 0);

        packager.finish();

        assertThat(output.infos()).extracting(SegmentInfo::objectKey)
                .containsExactly("ch/" + T0 + ".ts", "ch/" + (T0 + 1) + ".ts", "ch/" + (T0 + 2) + ".ts");
        assertThat(output.infos()).extracting(SegmentInfo::startTimeMillis).containsOnly(T0);
    }

    @Test
    void audioArrivingAfterVideoStartsAudioAtTheNextKeyframeWithADiscontinuity() {
        HlsPackager packager = packager(5, 5, PlaylistState.INITIAL);
        FlvFile.feed(packager, tags.videoSequenceHeader);
        video(packager, 0, 1_100, 500, 0);
        FlvFile.feed(packager, tags.audioSequenceHeader.withTimestamp(1_100));
        for (long t = 1_100; t < 3_000; t += 40) {
            FlvFile.feed(packager, tags.video(t, t % 500 == 0));
            FlvFile.feed(packager, tags.audio(t + 10));
        }

        packager.finish();

        assertThat(output.infos()).extracting(SegmentInfo::cutReason)
                .containsExactly(CutReason.TRACKS_CHANGED, CutReason.PUBLISH_END);
        assertThat(durationsMillis(output)).containsExactly(1_500L, 1_520L); // last video frame 2980 ms + 40
        assertThat(output.infos().get(1).discontinuity()).isTrue();
        assertThat(new TsInspector().inspect(output.segments.get(0).data()).pmtStreams).containsOnlyKeys(0x100);
        assertThat(new TsInspector().inspect(output.segments.get(1).data()).pmtStreams).containsOnlyKeys(0x100, 0x101);
        // audio at 1110..1470 ms waits for the keyframe at 1500 ms that opens a segment declaring audio
        assertThat(packager.droppedUnits(DropReason.AWAITING_KEYFRAME)).isEqualTo(10);
    }

    @Test
    void videoJoiningAnAudioOnlyStreamStartsAtItsFirstKeyframe() {
        HlsPackager packager = packager(2, 5, PlaylistState.INITIAL);
        FlvFile.feed(packager, tags.audioSequenceHeader);
        for (long t = 0; t < 3_000; t += 23) {
            FlvFile.feed(packager, tags.audio(t));
        }
        FlvFile.feed(packager, tags.videoSequenceHeader.withTimestamp(3_000));
        for (long t = 3_000; t < 6_000; t += 40) {
            FlvFile.feed(packager, tags.video(t, t == 3_400)); // first keyframe 400 ms after the header
            FlvFile.feed(packager, tags.audio(t + 5));
        }

        packager.finish();

        assertThat(output.infos()).extracting(SegmentInfo::cutReason)
                .containsExactly(CutReason.FRAG_DURATION, CutReason.TRACKS_CHANGED, CutReason.PUBLISH_END);
        assertThat(output.infos()).extracting(SegmentInfo::discontinuity).containsExactly(false, false, true);
        assertThat(packager.droppedUnits(DropReason.AWAITING_KEYFRAME)).isEqualTo(10); // video 3000..3360 ms
        TsInspector last = new TsInspector().inspect(output.segments.get(2).data());
        assertThat(last.pmtStreams).containsOnlyKeys(0x100, 0x101);
        assertThat(last.pcrPid).isEqualTo(0x100);
        assertThat(last.pesOf(0x100).get(0).randomAccess()).isTrue();
    }

    @Test
    void keyframeAccessUnitStartsWithDelimiterThenParameterSetsAndEveryFrameHasOneDelimiter() {
        HlsPackager packager = packager(5, 5, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 200, 1_000, 0);
        packager.finish();

        TsInspector inspector = new TsInspector().inspect(output.concatenated());
        var config = io.livechannel.codec.h264.AvcDecoderConfigurationRecord.read(
                Unpooled.wrappedBuffer(tags.videoSequenceHeader.body(), 5, tags.videoSequenceHeader.body().length - 5));
        String key = HexFormat.of().formatHex(inspector.payload(0x100, 0));
        assertThat(key).startsWith("00000001" + "09f0" // AUD
                + "00000001" + HexFormat.of().formatHex(config.sequenceParameterSets().get(0)) // SPS of the header
                + "00000001" + HexFormat.of().formatHex(config.pictureParameterSets().get(0)) // PPS
                + "00000001"); // then the frame's own NAL units (SEI, IDR)
        String inter = HexFormat.of().formatHex(inspector.payload(0x100, 1));
        assertThat(inter).startsWith("0000000109f000000001").doesNotContain("000000016764");
        for (int i = 0; i < 5; i++) {
            String unit = HexFormat.of().formatHex(inspector.payload(0x100, i));
            assertThat(unit.split("0000000109f0", -1)).as("AUDs in frame %d", i).hasSize(2);
        }
    }

    @Test
    void everyPackagedKeyframeIsOfferedWithItsParameterSetsExactlyAsWrittenIntoTheSegment() {
        HlsPackager packager = packager(5, 5, PlaylistState.INITIAL);
        headers(packager);
        FlvFile.feed(packager, tags.video(0, false)); // dropped: before the first keyframe, never offered
        video(packager, 40, 3_040, 1_000, 0); // keyframes at 40, 1040, 2040 ms
        packager.finish();

        assertThat(output.keyframes).extracting(RecordingOutput.Keyframe::dtsMillis)
                .containsExactly(40L, 1_040L, 2_040L);
        TsInspector inspector = new TsInspector().inspect(output.concatenated());
        assertThat(output.keyframes.get(0).annexB()).isEqualTo(inspector.payload(0x100, 0));
        assertThat(output.keyframes.get(2).annexB()).isEqualTo(inspector.payload(0x100, 50));
    }

    @Test
    void aacFramesGetAnAdtsHeaderFromTheAudioSpecificConfig() {
        HlsPackager packager = packager(5, 5, PlaylistState.INITIAL);
        FlvFile.feed(packager, tags.audioSequenceHeader);
        FlvFile.feed(packager, tags.audio(0));
        packager.finish();

        byte[] pes = new TsInspector().inspect(output.concatenated()).payload(0x101, 0);
        int raw = tags.audioFrame.body().length - 2;
        io.livechannel.codec.aac.AdtsHeader adts = io.livechannel.codec.aac.AdtsHeader.read(Unpooled.wrappedBuffer(pes));
        // ffmpeg's config 0x1208: AAC LC (profile 1), 44.1 kHz (index 4), mono
        assertThat(adts).isEqualTo(new io.livechannel.codec.aac.AdtsHeader(1, 4, 1, raw + 7));
        assertThat(pes).hasSize(raw + 7);
    }

    @Test
    void playlistInASubfolderReachesSegmentsWithRelativeUris() {
        HlsPackager packager = new HlsPackager(new HlsSettings("ch", "hd/live.m3u8", 1, 5), output, clock,
                PlaylistState.INITIAL, allocator);
        headers(packager);
        video(packager, 0, 1_000, 1_000, 0);
        packager.finish();

        assertThat(output.lastPlaylist().objectKey()).isEqualTo("ch/hd/live.m3u8");
        assertThat(output.lastPlaylist().text()).contains("\n../" + T0 + ".ts\n");
    }

    @Test
    void badMediaIsSkippedAndCountedNeverThrown() {
        HlsPackager packager = packager(1, 5, PlaylistState.INITIAL);
        FlvFile.feed(packager, tags.video(0, true)); // before any sequence header
        FlvFile.feed(packager, tags.audio(0));
        headers(packager);
        feedVideo(packager, 0, "2700"); // VP6? no: AVC header cut short
        feedVideo(packager, 0, "14000000"); // VP6
        feedAudio(packager, 0, "2eff"); // MP3
        feedAudio(packager, 0, ""); // empty
        byte[] key = tags.keyframe.body();
        for (int length = 0; length < Math.min(key.length, 64); length++) {
            int cut = length;
            assertThatCode(() -> feedVideo(packager, 0, HexFormat.of().formatHex(key, 0, cut)))
                    .doesNotThrowAnyException();
        }
        video(packager, 0, 2_000, 1_000, 0);

        packager.finish();

        assertThat(packager.droppedUnits(DropReason.MISSING_SEQUENCE_HEADER)).isEqualTo(2);
        assertThat(packager.droppedUnits(DropReason.UNSUPPORTED_CODEC)).isEqualTo(2);
        assertThat(packager.droppedUnits(DropReason.MALFORMED)).isEqualTo(2 + 64);
        assertThat(output.segments).hasSize(2);
        assertThat(new TsInspector().inspect(output.concatenated()).pesOf(0x100)).hasSize(50);
    }

    @Test
    void tagsAfterFinishAreDroppedAndFinishIsIdempotent() {
        HlsPackager packager = packager(1, 5, PlaylistState.INITIAL);
        headers(packager);
        video(packager, 0, 1_000, 1_000, 0);
        packager.finish();
        packager.finish();
        FlvFile.feed(packager, tags.video(1_000, true));

        assertThat(output.segments).hasSize(1);
        assertThat(output.playlists).hasSize(1);
        assertThat(packager.droppedUnits(DropReason.AFTER_FINISH)).isEqualTo(1);
    }

    @Test
    void finishWithoutAnyMediaEmitsNothing() {
        HlsPackager packager = packager(1, 5, new PlaylistState(7, 2));
        headers(packager);

        packager.finish();

        assertThat(output.calls).isEmpty();
        assertThat(packager.playlistState()).isEqualTo(new PlaylistState(7, 2));
    }

    private static void feedVideo(HlsPackager packager, long timestampMillis, String hex) {
        ByteBuf body = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
        packager.onVideoTag(timestampMillis, body);
        assertThat(body.readerIndex()).isZero();
    }

    private static void feedAudio(HlsPackager packager, long timestampMillis, String hex) {
        packager.onAudioTag(timestampMillis, Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    }
}
