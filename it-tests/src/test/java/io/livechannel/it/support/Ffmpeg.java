package io.livechannel.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@code ffmpeg} (from the PATH or the FFmpeg image's container: {@link FfmpegHost}), as a publisher ({@link #push}) and as a player that decodes a file or an
 * HLS URL ({@link #decode}). Every run keeps its log in a file of the test's run directory.
 *
 * <p>The pushed stream is what the issue asks for: lavfi {@code testsrc2} 640x360 at 25 fps, H.264 (libx264)
 * with B-frames ({@code -bf 2}) and a 2 s GOP ({@code -g 50}, no scene-cut keyframes), plus a 440 Hz sine as AAC
 * 44.1 kHz stereo, sent as FLV at real-time speed ({@code -re}). ffmpeg's {@code -progress} file says how much
 * media it has sent, so a test can act "1 s into a segment" by polling instead of sleeping.
 */
public final class Ffmpeg {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;
    public static final int FRAME_RATE = 25;
    public static final int GOP_FRAMES = 50;
    public static final int SAMPLE_RATE = 44_100;
    /** Keyframe interval of the pushed stream. */
    public static final Duration GOP = Duration.ofSeconds(2);

    private static final AtomicInteger RUNS = new AtomicInteger();

    private Ffmpeg() {
    }

    /**
     * Fails (never skips) when neither path to ffmpeg and ffprobe works, saying how to get either: the binaries on
     * the PATH or a Docker engine with the FFmpeg image ({@link FfmpegHost}).
     */
    public static void requireInstalled() {
        FfmpegHost.get();
    }

    /**
     * Starts {@code command} ({@code ffmpeg ...} or {@code ffprobe ...}) wherever the tests' ffmpeg runs, with its
     * output and errors written to {@code log}, and returns at once.
     */
    public static Process start(List<String> command, Path log) throws IOException {
        return FfmpegHost.get().start(command, log, log);
    }

    /**
     * Runs {@code command} to its end within {@code timeout} and returns what it printed (output and errors, in
     * {@code log}); fails the test with that when it exits non-zero or runs too long.
     */
    public static String run(List<String> command, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Process process = start(command, log);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within " + timeout + "; log:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited " + process.exitValue() + "; log:\n" + output);
        }
        return output;
    }

    /**
     * Starts pushing the test stream to {@code rtmpUrl} for {@code duration} of media (at real-time speed) and
     * returns at once. Close the returned {@link Push} to make sure the process is gone.
     */
    public static Push push(String rtmpUrl, Duration duration, Path logDir) throws IOException {
        return push(rtmpUrl, duration, logDir, Video.DEFAULT);
    }

    /**
     * The test stream's video: H.264 {@code profile} ({@code baseline} has no B-frames, the others 2) at
     * {@code width}x{@code height}, {@value #FRAME_RATE} fps, a keyframe every {@code gopFrames} frames exactly.
     */
    public record Video(String profile, int width, int height, int gopFrames) {
        public static final Video DEFAULT = new Video("high", WIDTH, HEIGHT, GOP_FRAMES);

        /**
         * The coding tools that make x264 (whose {@code -profile} is only a ceiling) write this profile: CABAC for
         * Main, CABAC and the 8x8 transform for High; ultrafast uses neither.
         */
        String x264Params() {
            return switch (profile) {
                case "baseline" -> "cabac=0";
                case "main" -> "cabac=1";
                default -> "cabac=1:8x8dct=1";
            };
        }
    }

    /** {@link #push(String, Duration, Path)} with another video shape. */
    public static Push push(String rtmpUrl, Duration duration, Path logDir, Video video) throws IOException {
        Files.createDirectories(logDir);
        int run = RUNS.incrementAndGet();
        Path log = logDir.resolve("ffmpeg-push-" + run + ".log");
        Path progress = logDir.resolve("ffmpeg-push-" + run + ".progress");
        return new Push(start(pushCommand(rtmpUrl, duration, video, progress), log), log, progress, rtmpUrl);
    }

    /** The ffmpeg command line that pushes the test stream, reporting its progress to {@code progress}. */
    static List<String> pushCommand(String rtmpUrl, Duration duration, Video video, Path progress) {
        return List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "level+warning",
                "-re",
                "-f", "lavfi", "-i", "testsrc2=size=" + video.width() + "x" + video.height() + ":rate=" + FRAME_RATE,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + SAMPLE_RATE,
                "-t", seconds(duration),
                "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", video.profile(),
                "-bf", "baseline".equals(video.profile()) ? "0" : "2", "-x264-params", video.x264Params(),
                "-g", Integer.toString(video.gopFrames()), "-keyint_min", Integer.toString(video.gopFrames()),
                "-sc_threshold", "0", "-r", Integer.toString(FRAME_RATE), "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-ar", Integer.toString(SAMPLE_RATE), "-ac", "2",
                "-progress", progress.toString(), "-stats_period", "0.2",
                "-f", "flv", rtmpUrl);
    }

    /**
     * Decodes {@code input} (a file or an http URL, HLS included) with {@code ffmpeg -v error -i input -f null -},
     * reading at most {@code mediaLimit} of it when given, and waits at most {@code timeout}.
     */
    public static DecodeResult decode(String input, Optional<Duration> mediaLimit, Duration timeout, Path logDir)
            throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve("ffmpeg-decode-" + RUNS.incrementAndGet() + ".log");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error"));
        mediaLimit.ifPresent(limit -> command.addAll(List.of("-t", seconds(limit))));
        command.addAll(List.of("-i", input, "-f", "null", "-"));
        Process process = start(command, log);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("ffmpeg did not finish decoding " + input + " within " + timeout + "; log: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new DecodeResult(input, process.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }

    /** What a decode run reported: a clean decode exits 0 and prints nothing at {@code -v error}. */
    public record DecodeResult(String input, int exitCode, List<String> errorLines) {
        public DecodeResult {
            errorLines = List.copyOf(errorLines);
        }

        public boolean isClean() {
            return exitCode == 0 && errorLines.isEmpty();
        }
    }
}
