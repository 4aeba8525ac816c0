package io.livechannel.hls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real ffmpeg and ffprobe. Generated FLV inputs are cached under {@code target/test-media} by their
 * arguments, so each is encoded once per build.
 */
final class MediaTools {
    record Result(int exitCode, String stdout, String stderr) {
        /** Distinct non-empty stdout lines (ffprobe repeats stream entries under the TS program). */
        List<String> lines() {
            return stdout.lines().filter(line -> !line.isEmpty()).distinct().toList();
        }
    }

    private static final Path CACHE = Paths.get("target", "test-media");

    private MediaTools() {
    }

    /** An FLV made by ffmpeg from lavfi sources; {@code name} identifies the argument set in the cache. */
    static synchronized Path flv(String name, String... encodeArgs) throws IOException, InterruptedException {
        Files.createDirectories(CACHE);
        Path file = CACHE.resolve(name + ".flv");
        if (Files.exists(file)) {
            return file;
        }
        Path partial = CACHE.resolve(name + ".partial.flv");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
        command.addAll(List.of(encodeArgs));
        command.addAll(List.of("-f", "flv", partial.toString()));
        Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IOException("ffmpeg failed: " + result.stderr());
        }
        Files.move(partial, file);
        return file;
    }

    /** The usual test input: H.264 High with 2 B-frames, GOP 50 at 25 fps (2 s), AAC 44.1 kHz mono. */
    static Path highProfileWithAac(String name, double seconds, String size) throws IOException, InterruptedException {
        return flv(name, "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", Double.toString(seconds), "-c:v", "libx264", "-profile:v", "high", "-bf", "2", "-g", "50",
                "-preset", "veryfast", "-c:a", "aac", "-b:a", "64k");
    }

    static Result ffprobe(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(List.of(args));
        return run(command);
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        // Read stderr on another thread so neither pipe can fill up and stall the process.
        StringBuilder stderr = new StringBuilder();
        Thread errReader = new Thread(() -> {
            try {
                stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.append(e);
            }
        });
        errReader.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        errReader.join();
        return new Result(process.exitValue(), stdout, stderr.toString());
    }
}
