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
    /** ffmpeg reports progress every 200 ms; looking 4 times as often keeps admission times sharp. */
    private static final long ADMISSION_POLL_MILLIS = 50;

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

    /**
     * Waits until the server either admits the publish (ffmpeg reports sent media: it encodes only once the server
     * answered NetStream.Publish.Start) or refuses it (ffmpeg exits before sending anything); true when admitted.
     */
    public boolean awaitAdmission(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!sentMedia().isZero()) {
                return true;
            }
            if (process.waitFor(ADMISSION_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                return !sentMedia().isZero();
            }
        }
        throw new AssertionError("ffmpeg neither sent media nor exited within " + timeout + "; its log:\n" + log());
    }

    /** The publish is admitted within {@code timeout}; fails with ffmpeg's log otherwise. */
    public void awaitAdmitted(Duration timeout) throws IOException, InterruptedException {
        if (!awaitAdmission(timeout)) {
            throw new AssertionError("ffmpeg exited " + process.exitValue() + " without sending media; log:\n"
                    + log());
        }
    }

    /** The server refuses the publish with an RTMP error status (ffmpeg prints "Server error" and exits). */
    public void awaitRefused(Duration timeout) throws IOException, InterruptedException {
        if (awaitAdmission(timeout)) {
            throw new AssertionError("the publish was admitted (ffmpeg sent " + sentMedia() + "); log:\n" + log());
        }
        if (process.exitValue() == 0 || !log().contains("Server error")) {
            throw new AssertionError("ffmpeg exited " + process.exitValue() + " without the server's RTMP error "
                    + "status; log:\n" + log());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: ffmpeg keeps its connection open but sends nothing until {@link #thaw()} (a silent publisher). */
    public void freeze() throws IOException, InterruptedException {
        RunningServer.signal(process.pid(), "STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        RunningServer.signal(process.pid(), "CONT");
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

    /** The ffmpeg process's id (a host process id on either path: the FFmpeg container shares the host's). */
    public long pid() {
        return process.pid();
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
