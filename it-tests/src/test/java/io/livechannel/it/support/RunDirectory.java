package io.livechannel.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A directory per test class ({@code target/it-runs/<Class>}) and per test method under it, kept after the run:
 * data dirs, server logs ({@code server*.err}), ffmpeg logs. When a test or a {@code @BeforeAll} fails, the
 * failure message gets the tail of every server log of the class, so the report shows what the server said.
 * Register it as {@code @RegisterExtension static final RunDirectory run = new RunDirectory();}.
 */
public final class RunDirectory implements BeforeAllCallback, BeforeEachCallback, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
    private static final Path ROOT = Path.of("target", "it-runs");
    private static final int SERVER_LOG_TAIL_LINES = 60;
    private static final int FFMPEG_LOG_TAIL_LINES = 8;

    private Path classDir;
    private Path testDir;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        classDir = ROOT.resolve(context.getRequiredTestClass().getSimpleName()).toAbsolutePath();
        deleteRecursively(classDir);
        Files.createDirectories(classDir);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        testDir = classDir.resolve(context.getRequiredTestMethod().getName());
        deleteRecursively(testDir);
        Files.createDirectories(testDir);
    }

    /** The directory every class's directory is in, absolute (the FFmpeg container mounts it). */
    public static Path root() {
        return ROOT.toAbsolutePath();
    }

    /** The class's directory (for servers shared by the class). */
    public Path classDir() {
        return classDir;
    }

    /** The current test's directory. */
    public Path testDir() {
        return testDir;
    }

    /**
     * Keeps a measured number for the report: appended to {@code measurements.txt} in the class's directory and
     * printed on the test's output.
     */
    public void record(String line) throws IOException {
        String stamped = testDir.getFileName() + ": " + line;
        System.out.println(stamped);
        Files.writeString(classDir.resolve("measurements.txt"), stamped + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withLogs(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw withLogs(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw withLogs(throwable);
    }

    private Throwable withLogs(Throwable failure) {
        StringBuilder logs = new StringBuilder();
        try (Stream<Path> files = Files.walk(classDir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("server") && name.endsWith(".err")) {
                    appendTail(logs, file, SERVER_LOG_TAIL_LINES);
                } else if (name.startsWith("ffmpeg-push") && name.endsWith(".log")) {
                    appendTail(logs, file, FFMPEG_LOG_TAIL_LINES);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            logs.append("\n(could not read the logs: ").append(e).append(')');
        }
        AssertionError enriched = new AssertionError(failure + "\n=== logs under " + classDir + " ===" + logs,
                failure);
        enriched.setStackTrace(failure.getStackTrace());
        return enriched;
    }

    private void appendTail(StringBuilder out, Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        out.append("\n--- ").append(classDir.relativize(file)).append(" (last ").append(Math.min(lines, all.size()))
                .append(" of ").append(all.size()).append(" lines) ---\n");
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> out.append(l).append('\n'));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
