package io.livechannel.vod;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.catalog.SegmentRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the builder's output is an HLS VoD playlist the real ffmpeg plays: two "publish sessions" of real
 * MPEG-TS segments cut by ffmpeg's segment muxer on keyframes (each session restarts its timestamps, as a new
 * publish does), named and laid out as the server stores them ({@code <channel>/<epochMillis>.ts}), the
 * playlist written next to them, and the whole playlist decoded by {@code ffmpeg -v error ... -f null -}.
 */
class VodPlaylistPlaybackTest {
    private static final String CHANNEL = "ch1";
    private static final int FPS = 25;
    private static final long FRAME_MICROS = 1_000_000 / FPS;
    /** 2018-12-04T03:55:06.266Z, as in the OSS doc sample. */
    private static final long SESSION_1_START_MILLIS = 1543895706266L;
    private static final long SESSION_2_START_MILLIS = SESSION_1_START_MILLIS + 120_000;
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void ffmpegDecodesAPlaylistOfTwoPublishSessionsWithoutErrorsAndForItsFullDuration() throws Exception {
        Path channelDir = Files.createDirectories(dir.resolve(CHANNEL));
        List<SegmentRecord> segments = new ArrayList<>();
        long sequence = 0;
        sequence = publish("session1", 6, 440, SESSION_1_START_MILLIS, sequence, channelDir, segments);
        publish("session2", 4, 880, SESSION_2_START_MILLIS, sequence, channelDir, segments);
        long totalFrames = segments.stream().mapToLong(s -> s.durationMicros() / FRAME_MICROS).sum();
        assertThat(segments).as("ffmpeg cut both sessions into several segments").hasSizeGreaterThanOrEqualTo(4);

        TimeRange range = new TimeRange(SESSION_1_START_MILLIS / 1000, SESSION_2_START_MILLIS / 1000 + 60);
        VodPlaylist playlist = VodPlaylistBuilder.build(CHANNEL, range, segments);
        Path m3u8 = channelDir.resolve("vod.m3u8");
        Files.write(m3u8, playlist.bytes());

        assertThat(playlist.segmentCount()).isEqualTo(segments.size());
        assertThat(playlist.text().split("#EXT-X-DISCONTINUITY\n", -1)).as("one discontinuity").hasSize(2);
        long toleranceMillis = playlist.segmentCount() * FRAME_MICROS / 1000;

        Result video = decode(m3u8, "0:v:0");
        long decodedFrames = lastValue(video.stdout, "frame");
        assertThat(decodedFrames).as("decoded video frames").isEqualTo(totalFrames);
        assertThat(decodedFrames * FRAME_MICROS / 1000).as("decoded video duration (ms)")
                .isBetween(playlist.durationMillis() - toleranceMillis, playlist.durationMillis() + toleranceMillis);

        Result audio = decode(m3u8, "0:a:0");
        assertThat(lastValue(audio.stdout, "out_time_us") / 1000).as("decoded audio duration (ms)")
                .isBetween(playlist.durationMillis() - toleranceMillis, playlist.durationMillis() + toleranceMillis);
    }

    /**
     * {@code ffmpeg -v error -i vod.m3u8 -map <stream> -f null -}, one stream per run: ffmpeg's HLS demuxer ignores
     * EXT-X-DISCONTINUITY and the CLI re-bases the backward timestamp jump of session 2 on whichever stream's
     * packet comes first, so with both streams in one run the other stream overlaps by the AAC encoder's last
     * partial frame (1.6 ms here) and the null muxer logs "non monotonically increasing dts". That is an artefact
     * of any playlist whose timestamps restart (a playlist of session 1 alone decodes cleanly with both streams);
     * each stream on its own is decoded across the discontinuity with no message at all.
     */
    private Result decode(Path m3u8, String stream) throws Exception {
        Result decode = run("ffmpeg", "-nostdin", "-v", "error", "-progress", "pipe:1",
                "-i", m3u8.toString(), "-map", stream, "-f", "null", "-");
        assertThat(decode.exitCode).as("ffmpeg exit code decoding %s", stream).isZero();
        assertThat(decode.stderr).as("ffmpeg errors decoding %s", stream).isEmpty();
        assertThat(decode.stdout).as("ffmpeg progress decoding %s", stream).contains("progress=end");
        return decode;
    }

    /**
     * Encodes {@code seconds} of test video (1-second GOPs) and a tone, cut into ~2-second MPEG-TS segments, and
     * stores them as {@code <channel>/<epochMillis>.ts} records; the first is flagged discontinuous.
     *
     * @return the next media sequence number
     */
    private long publish(String name, int seconds, int toneHz, long startMillis, long firstSequence,
                         Path channelDir, List<SegmentRecord> segments) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name));
        Result encode = run("ffmpeg", "-nostdin", "-v", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS,
                "-f", "lavfi", "-i", "sine=frequency=" + toneHz + ":sample_rate=44100",
                "-t", Integer.toString(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-g", Integer.toString(FPS),
                "-keyint_min", Integer.toString(FPS), "-sc_threshold", "0", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k",
                "-f", "segment", "-segment_time", "2", "-segment_format", "mpegts",
                work.resolve("part%03d.ts").toString());
        assertThat(encode.exitCode).as(encode.stderr).isZero();

        List<Path> parts;
        try (Stream<Path> list = Files.list(work)) {
            parts = list.sorted().toList();
        }
        long sequence = firstSequence;
        long segmentStartMillis = startMillis;
        for (Path part : parts) {
            long frames = videoPackets(part);
            long durationMicros = frames * FRAME_MICROS;
            String objectKey = CHANNEL + "/" + segmentStartMillis + ".ts";
            Files.move(part, channelDir.resolve(segmentStartMillis + ".ts"));
            segments.add(new SegmentRecord("bucket", CHANNEL, objectKey, segmentStartMillis, durationMicros,
                    sequence, sequence == firstSequence, Files.size(channelDir.resolve(segmentStartMillis + ".ts"))));
            sequence++;
            segmentStartMillis += durationMicros / 1000;
        }
        return sequence;
    }

    private long videoPackets(Path ts) throws Exception {
        Result probe = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", ts.toString());
        assertThat(probe.exitCode).as(probe.stderr).isZero();
        // An MPEG-TS file lists its stream twice, under its program and alone: same count.
        return Long.parseLong(probe.stdout.strip().lines().findFirst().orElseThrow().strip());
    }

    private static long lastValue(String progress, String key) {
        Matcher m = Pattern.compile("^" + key + "=(\\d+)$", Pattern.MULTILINE).matcher(progress);
        long value = -1;
        while (m.find()) {
            value = Long.parseLong(m.group(1));
        }
        assertThat(value).as("ffmpeg progress reported %s", key).isPositive();
        return value;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .as("%s finished within %d s", command[0], PROCESS_TIMEOUT_SECONDS).isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
