package io.livechannel.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running {@code ffmpeg} publisher started by {@link Ffmpeg#push}. {@link #kill()} is SIGKILL (the process
 * gets no chance to send FCUnpublish or close the stream); {@link #close()} kills it if it still runs.
 */
public final class Push implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path progress;
    private final String url;

    Push(Process process, Path log, Path progress, String url) {
        this.process = process;
        this.log = log;
        this.progress = progress;
        this.url = url;
    }

    /**
     * How much media ffmpeg has sent so far, from the last {@code out_time_us} of its {@code -progress} file
     * (updated every 0.2 s); zero before the first report.
     */
    public Duration sentMedia() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(progress, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Duration.ZERO;
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (line.startsWith("out_time_us=")) {
                String value = line.substring("out_time_us=".length()).trim();
                if (value.equals("N/A")) {
                    return Duration.ZERO;
                }
                return Duration.ofNanos(Math.max(0, Long.parseLong(value)) * 1000);
            }
        }
        return Duration.ZERO;
    }

    /** Waits for the exit and returns the exit code; fails the test if ffmpeg still runs after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("ffmpeg still pushing after " + timeout + "; its log:\n" + log());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Everything ffmpeg printed (warnings and errors, each line prefixed with its level). */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The lines ffmpeg printed at level error or worse. */
    public List<String> errorLines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("[error]") || l.contains("[fatal]") || l.contains("[panic]"))
                .toList();
    }

    public String url() {
        return url;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "Push[pid=" + process.pid() + ", log=" + log + "]";
    }
}
