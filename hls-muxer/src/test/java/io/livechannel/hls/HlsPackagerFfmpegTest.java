package io.livechannel.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real ffmpeg: an FLV encoded by ffmpeg is fed tag by tag, as RTMP delivers it, and what comes
 * out is checked with ffprobe and decoded with ffmpeg.
 */
class HlsPackagerFfmpegTest {
    static final long START_EPOCH_MILLIS = 1_763_748_000_000L;

    @TempDir
    Path dir;

    /** A wall clock that advances 2 s per reading, as if each reading were one segment later. */
    static LongSupplier steppingClock() {
        AtomicLong now = new AtomicLong(START_EPOCH_MILLIS);
        return () -> now.getAndAdd(2_000);
    }

    static RecordingOutput packageFile(Path flv, HlsSettings settings) throws Exception {
        RecordingOutput output = new RecordingOutput();
        HlsPackager packager = new HlsPackager(settings, output, steppingClock(), PlaylistState.INITIAL);
        FlvFile.feed(packager, FlvFile.read(flv));
        packager.finish();
        return output;
    }

    @Test
    void highProfileStreamWithBFramesBecomesSegmentsThatDecodeWithoutErrors() throws Exception {
        Path flv = MediaTools.highProfileWithAac("high-320x180-6s", 6, "320x180");
        RecordingOutput output = packageFile(flv, new HlsSettings("cam1", "playlist.m3u8", 2, 100));
        Path playlist = output.writeTo(dir, "playlist.m3u8");

        assertThat(output.drops).isEmpty();
        assertThat(output.infos()).extracting(SegmentInfo::cutReason).containsExactly(
                CutReason.FRAG_DURATION, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        for (RecordingOutput.Segment segment : output.segments) {
            Path file = dir.resolve(segment.info().objectKey().substring("cam1/".length()));
            assertThat(MediaTools.ffprobe(file.toString()).stderr()).as("ffprobe %s", file).isEmpty();
            MediaTools.Result decode = MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i",
                    file.toString(), "-f", "null", "-"));
            assertThat(decode.stderr()).as("ffmpeg decode of %s", file).isEmpty();
            assertThat(decode.exitCode()).isZero();
        }
        MediaTools.Result wholePlaylist = MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i",
                playlist.toString(), "-f", "null", "-"));
        assertThat(wholePlaylist.stderr()).isEmpty();

        MediaTools.Result streams = MediaTools.ffprobe("-show_entries",
                "stream=codec_name,profile,width,height,sample_rate,channels", "-of", "csv=p=0",
                dir.resolve(output.segments.get(1).info().objectKey().substring(5)).toString());
        assertThat(streams.lines()).containsExactly("h264,High,320,180", "aac,LC,44100,1");
    }

    @Test
    void extinfDurationsAddUpToTheInputDurationAndTimestampsAreContiguous() throws Exception {
        Path flv = MediaTools.highProfileWithAac("high-320x180-6s", 6, "320x180");
        RecordingOutput output = packageFile(flv, new HlsSettings("cam1", "playlist.m3u8", 2, 100));

        long totalMicros = output.infos().stream().mapToLong(SegmentInfo::durationMicros).sum();
        double inputSeconds = Double.parseDouble(MediaTools.ffprobe("-show_entries", "format=duration", "-of",
                "csv=p=0", flv.toString()).stdout().trim());
        assertThat(totalMicros / 1e6).as("EXTINF sum vs ffprobe's FLV duration").isCloseTo(inputSeconds, within(0.040));

        // Video DTS advance by exactly one frame (3600 ticks) everywhere, also from one segment to the next,
        // and each segment starts where the EXTINF of the earlier ones says it does.
        List<Long> videoDts = new ArrayList<>();
        long extinfSumMicros = 0;
        long firstDts = -1;
        for (RecordingOutput.Segment segment : output.segments) {
            TsInspector inspector = new TsInspector().inspect(segment.data());
            List<TsInspector.Pes> video = inspector.pesOf(0x100);
            if (firstDts < 0) {
                firstDts = video.get(0).dts();
            }
            assertThat((video.get(0).dts() - firstDts) / 90.0).as("segment start in ms")
                    .isCloseTo(extinfSumMicros / 1000.0, within(1.0));
            assertThat(video.get(0).randomAccess()).isTrue();
            video.forEach(p -> videoDts.add(p.dts()));
            extinfSumMicros += segment.info().durationMicros();
        }
        assertThat(videoDts).hasSize(150);
        for (int i = 1; i < videoDts.size(); i++) {
            assertThat(videoDts.get(i) - videoDts.get(i - 1)).as("DTS step at frame %d", i).isEqualTo(3600);
        }
    }

    @Test
    void bFramesKeepTheirCompositionOffsetAsPtsAboveDts() throws Exception {
        Path flv = MediaTools.highProfileWithAac("high-320x180-6s", 6, "320x180");
        RecordingOutput output = packageFile(flv, new HlsSettings("cam1", "playlist.m3u8", 2, 100));

        Files.write(dir.resolve("all.ts"), output.concatenated());
        MediaTools.Result packets = MediaTools.ffprobe("-select_streams", "v", "-show_entries", "packet=pts,dts", "-of", "csv=p=0",
                dir.resolve("all.ts").toString());

        List<long[]> ptsDts = packets.stdout().lines().filter(line -> !line.isEmpty())
                .map(line -> Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray()).toList();
        assertThat(packets.stderr()).isEmpty();
        assertThat(ptsDts).hasSize(150);
        assertThat(ptsDts).allSatisfy(p -> assertThat(p[0]).isGreaterThanOrEqualTo(p[1]));
        assertThat(ptsDts.stream().filter(p -> p[0] - p[1] > 3600)).as("frames reordered around B-frames")
                .isNotEmpty();
        // presentation order is every 40 ms without holes: sorted PTS step by 3600
        long[] pts = ptsDts.stream().mapToLong(p -> p[0]).sorted().toArray();
        for (int i = 1; i < pts.length; i++) {
            assertThat(pts[i] - pts[i - 1]).isEqualTo(3600);
        }
    }

    @Test
    void everySegmentStartsWithPatAndPmtAndCountersContinueAcrossSegments() throws Exception {
        Path flv = MediaTools.highProfileWithAac("high-320x180-6s", 6, "320x180");
        RecordingOutput output = packageFile(flv, new HlsSettings("cam1", "playlist.m3u8", 2, 100));
        TsInspector inspector = new TsInspector();

        for (RecordingOutput.Segment segment : output.segments) {
            int before = inspector.pids.size();
            inspector.inspect(segment.data());
            assertThat(inspector.pids.subList(before, before + 2)).containsExactly(0, 0x1000);
        }

        assertThat(inspector.errors).isEmpty();
        assertThat(inspector.pmtStreams).containsEntry(0x100, 0x1B).containsEntry(0x101, 0x0F).hasSize(2);
        assertThat(inspector.pcrPid).isEqualTo(0x100);
        // PCR at least every 100 ms of stream time
        for (int i = 1; i < inspector.pcrs.size(); i++) {
            assertThat(inspector.pcrs.get(i)[1] - inspector.pcrs.get(i - 1)[1]).isBetween(0L, 9000L);
        }
    }

    @Test
    void audioOnlyStreamIsCutOnAudioAndDeclaresOnlyAudio() throws Exception {
        Path flv = MediaTools.flv("aac-only-5s", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", "5", "-ac", "2", "-c:a", "aac");
        RecordingOutput output = packageFile(flv, new HlsSettings("radio", "live.m3u8", 2, 100));
        output.writeTo(dir, "live.m3u8");

        assertThat(output.infos()).extracting(SegmentInfo::cutReason).containsExactly(
                CutReason.FRAG_DURATION, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        assertThat(output.infos().get(0).durationMicros() / 1e6).isCloseTo(2.0, within(0.025));
        TsInspector inspector = new TsInspector().inspect(output.concatenated());
        assertThat(inspector.errors).isEmpty();
        assertThat(inspector.pmtStreams).containsOnlyKeys(0x101);
        assertThat(inspector.pcrPid).isEqualTo(0x101);
        for (RecordingOutput.Segment segment : output.segments) {
            Path file = dir.resolve(segment.info().objectKey().substring("radio/".length()));
            MediaTools.Result streams = MediaTools.ffprobe("-show_entries", "stream=codec_name,sample_rate,channels",
                    "-of", "csv=p=0", file.toString());
            assertThat(streams.stderr()).isEmpty();
            assertThat(streams.lines()).containsExactly("aac,48000,2");
        }
    }

    @Test
    void videoOnlyStreamDeclaresOnlyVideo() throws Exception {
        Path flv = MediaTools.flv("h264-only-4s", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-t", "4",
                "-c:v", "libx264", "-profile:v", "high", "-bf", "2", "-g", "25", "-preset", "veryfast");
        RecordingOutput output = packageFile(flv, new HlsSettings("cam2", "playlist.m3u8", 1, 100));
        output.writeTo(dir, "playlist.m3u8");

        assertThat(output.segments).hasSize(4);
        TsInspector inspector = new TsInspector().inspect(output.concatenated());
        assertThat(inspector.errors).isEmpty();
        assertThat(inspector.pmtStreams).containsOnlyKeys(0x100);
        MediaTools.Result streams = MediaTools.ffprobe("-show_entries", "stream=codec_name,width,height",
                "-of", "csv=p=0", dir.resolve("playlist.m3u8").toString());
        assertThat(streams.stderr()).isEmpty();
        assertThat(streams.lines()).containsExactly("h264,160,90");
    }

    @Test
    void resolutionChangeMidStreamStartsADiscontinuousSegmentWithTheNewSps() throws Exception {
        List<FlvFile.Tag> small = FlvFile.read(MediaTools.highProfileWithAac("high-320x180-3s", 3, "320x180"));
        List<FlvFile.Tag> large = FlvFile.read(MediaTools.highProfileWithAac("high-640x360-3s", 3, "640x360"));
        RecordingOutput output = new RecordingOutput();
        HlsPackager packager = new HlsPackager(new HlsSettings("cam1", "playlist.m3u8", 2, 100), output,
                steppingClock(), PlaylistState.INITIAL);

        FlvFile.feed(packager, small);
        FlvFile.feed(packager, large.stream().map(t -> t.withTimestamp(t.timestampMillis() + 3_000)).toList());
        packager.finish();
        output.writeTo(dir, "playlist.m3u8");

        assertThat(output.infos()).extracting(SegmentInfo::cutReason).containsExactly(CutReason.FRAG_DURATION,
                CutReason.TRACKS_CHANGED, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        assertThat(output.infos()).extracting(SegmentInfo::discontinuity).containsExactly(false, false, true, false);
        assertThat(output.lastPlaylist().text()).containsOnlyOnce("#EXT-X-DISCONTINUITY\n");
        List<String> sizes = new ArrayList<>();
        for (RecordingOutput.Segment segment : output.segments) {
            Path file = dir.resolve(segment.info().objectKey().substring("cam1/".length()));
            MediaTools.Result probe = MediaTools.ffprobe("-select_streams", "v", "-show_entries",
                    "stream=width,height", "-of", "csv=p=0", file.toString());
            assertThat(probe.stderr()).isEmpty();
            sizes.add(probe.lines().get(0));
            MediaTools.Result decode = MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i",
                    file.toString(), "-f", "null", "-"));
            assertThat(decode.stderr()).as("decode of %s", file).isEmpty();
        }
        assertThat(sizes).containsExactly("320,180", "320,180", "640,360", "640,360");
    }

    @Test
    void segmentsWhoseTimestampsCross33BitsDecodeWithoutErrors() throws Exception {
        List<FlvFile.Tag> tags = FlvFile.read(MediaTools.highProfileWithAac("high-320x180-6s", 6, "320x180"));
        long shift = (1L << 33) / 90 - 3_000; // PTS wraps 3 s into the stream (after 26.5 h of publishing)
        RecordingOutput output = new RecordingOutput();
        HlsPackager packager = new HlsPackager(new HlsSettings("cam1", "playlist.m3u8", 2, 100), output,
                steppingClock(), PlaylistState.INITIAL);

        FlvFile.feed(packager, tags.stream().map(t -> t.withTimestamp(t.timestampMillis() + shift)).toList());
        packager.finish();
        Path playlist = output.writeTo(dir, "playlist.m3u8");

        assertThat(output.infos()).noneMatch(SegmentInfo::discontinuity);
        assertThat(output.infos()).extracting(s -> s.durationMicros() / 1000).startsWith(2_000L, 2_000L);
        for (RecordingOutput.Segment segment : output.segments) {
            Path file = dir.resolve(segment.info().objectKey().substring("cam1/".length()));
            MediaTools.Result decode = MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i",
                    file.toString(), "-f", "null", "-"));
            assertThat(decode.stderr()).as("decode of %s", file).isEmpty();
        }
        MediaTools.Result frames = MediaTools.ffprobe("-select_streams", "v", "-count_packets", "-show_entries",
                "stream=nb_read_packets", "-of", "csv=p=0", playlist.toString());
        assertThat(frames.stderr()).isEmpty();
        assertThat(frames.lines()).containsExactly("150");
    }

    @Test
    void encoderRestartingItsClockYieldsDecodableSegmentsAfterADiscontinuity() throws Exception {
        List<FlvFile.Tag> tags = FlvFile.read(MediaTools.highProfileWithAac("high-320x180-3s", 3, "320x180"));
        RecordingOutput output = new RecordingOutput();
        HlsPackager packager = new HlsPackager(new HlsSettings("cam1", "playlist.m3u8", 2, 100), output,
                steppingClock(), PlaylistState.INITIAL);

        FlvFile.feed(packager, tags);
        FlvFile.feed(packager, tags); // same stream again from timestamp 0
        packager.finish();
        output.writeTo(dir, "playlist.m3u8");

        assertThat(output.infos()).extracting(SegmentInfo::cutReason).containsExactly(CutReason.FRAG_DURATION,
                CutReason.TIMESTAMP_JUMP, CutReason.FRAG_DURATION, CutReason.PUBLISH_END);
        assertThat(output.infos().get(2).discontinuity()).isTrue();
        for (RecordingOutput.Segment segment : output.segments) {
            Path file = dir.resolve(segment.info().objectKey().substring("cam1/".length()));
            MediaTools.Result decode = MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i",
                    file.toString(), "-f", "null", "-"));
            assertThat(decode.stderr()).as("decode of %s", file).isEmpty();
        }
    }
}
