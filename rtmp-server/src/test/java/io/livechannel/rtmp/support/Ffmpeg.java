package io.livechannel.rtmp.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real /usr/bin/ffmpeg pushing a lavfi test source (H.264 + AAC by default) to an RTMP URL. */
public final class Ffmpeg implements AutoCloseable {
    private final Process process;
    private final Path stderr;

    private Ffmpeg(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    /**
     * Starts pushing {@code seconds} of 320x240@25 testsrc2 + 44.1 kHz sine, in real time ({@code -re}).
     *
     * @param codecArgs replaces the default {@code -c:v libx264 ... -c:a aac} when not empty
     */
    public static Ffmpeg push(String url, int seconds, List<String> codecArgs, String... extra) throws IOException {
        return push(true, url, seconds, codecArgs, extra);
    }

    /** As fast as ffmpeg can encode: for tests where wall-clock pacing does not matter (timestamps still do). */
    public static Ffmpeg pushFast(String url, int seconds, List<String> codecArgs, String... extra) throws IOException {
        return push(false, url, seconds, codecArgs, extra);
    }

    private static Ffmpeg push(boolean realTime, String url, int seconds, List<String> codecArgs, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"));
        if (realTime) {
            cmd.add("-re");
        }
        cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds)));
        cmd.addAll(codecArgs.isEmpty() ? List.of("-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k") : codecArgs);
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-f", "flv", url));
        Path err = Files.createTempFile("ffmpeg", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(err.toFile()).start();
        return new Ffmpeg(p, err);
    }

    public static Ffmpeg push(String url, int seconds) throws IOException {
        return push(url, seconds, List.of());
    }

    /** Waits for exit; returns the exit code, or fails after {@code seconds}. */
    public int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("ffmpeg still running after " + seconds + " s: " + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGSTOP/SIGCONT: a frozen encoder whose TCP connection stays open. */
    public void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
