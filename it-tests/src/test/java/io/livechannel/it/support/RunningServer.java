package io.livechannel.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server jar ({@code server/target/livechannel-server.jar}) running as a child process on free
 * ports ({@code --http-port 0 --rtmp-port 0}); the ports are read from the startup banner (which ends with an
 * empty line). stdout and stderr go to files beside the data dir ({@code server.out}, {@code server.err}), kept
 * for assertions and for reading after a failed run: reading a child's pipes races with the JDK closing them
 * when the child exits, and lines would be lost.
 */
public final class RunningServer implements AutoCloseable {
    private static final Pattern HTTP_LINE = Pattern.compile("HTTP API\\s+http://[^:]+:(\\d+)");
    private static final Pattern METRICS_LINE = Pattern.compile("metrics\\s+http://[^:]+:(\\d+)/metrics");
    private static final Pattern RTMP_LINE = Pattern.compile("RTMP ingest\\s+rtmp://[^:]+:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;
    /** Written anew by each test JVM, so that it always matches the jar under test. */
    private static final Path CLASS_ARCHIVE = Path.of("target", "server-classes.jsa");
    private static final AtomicBoolean ARCHIVING = new AtomicBoolean();
    /** {@link #CLASS_ARCHIVE} once {@link #archiveClasses()} has written it. */
    private static volatile Path classArchive;

    private final Process process;
    private final Path dataDir;
    private final Path stdoutFile;
    private final Path stderrFile;
    private int httpPort = -1;
    private int rtmpPort = -1;

    private RunningServer(Process process, Path dataDir, Path stdoutFile, Path stderrFile) {
        this.process = process;
        this.dataDir = dataDir;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
    }

    /** Starts the jar with {@code --data-dir dataDir --http-port 0 --rtmp-port 0 --bind 127.0.0.1} plus args. */
    public static RunningServer start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        RunningServer server = launch(dataDir, extraArgs);
        server.awaitBanner();
        return server;
    }

    /** How a server that was expected to refuse to start ended. */
    public record Exited(int exitCode, List<String> stdout, List<String> stderr) {
    }

    /** Runs the jar as {@link #start} does, for a start that must fail: waits for the exit (at most 60 s). */
    public static Exited runUntilExit(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        RunningServer server = launch(dataDir, extraArgs);
        if (!server.process.waitFor(60, TimeUnit.SECONDS)) {
            server.kill();
            throw new AssertionError("the server did not exit within 60 s; stdout=" + server.stdout());
        }
        return new Exited(server.process.exitValue(), server.stdout(), server.stderr());
    }

    private static RunningServer launch(Path dataDir, String... extraArgs) throws IOException {
        Path archive = classArchive;
        if (archive == null && ARCHIVING.compareAndSet(false, true)) {
            Thread archiving = new Thread(RunningServer::archiveClasses, "server-class-archive");
            archiving.setDaemon(true);
            archiving.start();
        }
        return launch(dataDir, archive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + archive), extraArgs);
    }

    private static RunningServer launch(Path dataDir, List<String> jvmOptions, String... extraArgs)
            throws IOException {
        // As in Surefire: assertions on and every buffer tracked, so a leak is reported in the server's log.
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-ea", "-Dio.netty.leakDetection.level=paranoid"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString(),
                "--data-dir", dataDir.toString(), "--http-port", "0", "--rtmp-port", "0", "--bind", "127.0.0.1"));
        command.addAll(List.of(extraArgs));
        Path parent = dataDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path out = Files.createTempFile(parent, "server", ".out");
        Path err = Files.createTempFile(parent, "server", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("LIVECHANNEL_"));
        return new RunningServer(builder.start(), dataDir, out, err);
    }

    /**
     * Runs the server once with {@code -XX:ArchiveClassesAtExit} (AppCDS): from then on every start maps the
     * classes it loads from that archive instead of reading and verifying them from the jar again, which is about
     * half of a start's CPU, on a machine that starts some fifty servers. Nothing else about the server changes; a
     * failed run leaves the starts as they were.
     */
    private static void archiveClasses() {
        Path archive = CLASS_ARCHIVE.toAbsolutePath();
        try {
            Files.deleteIfExists(archive);
            Files.createDirectories(archive.getParent());
            Path dir = Files.createTempDirectory(archive.getParent(), "class-archive-");
            RunningServer run = launch(dir.resolve("data"), List.of("-XX:ArchiveClassesAtExit=" + archive),
                    "--store", "filesystem");
            try {
                run.awaitBanner();
            } finally {
                run.stop();
            }
            if (Files.isRegularFile(archive)) {
                classArchive = archive;
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("servers start without a class archive: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitBanner() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            List<String> lines = stdout();
            int end = lines.indexOf("");
            if (end >= 0) {
                for (String line : lines.subList(0, end)) {
                    Matcher h = HTTP_LINE.matcher(line);
                    if (h.find()) {
                        httpPort = Integer.parseInt(h.group(1));
                    }
                    Matcher r = RTMP_LINE.matcher(line);
                    if (r.find()) {
                        rtmpPort = Integer.parseInt(r.group(1));
                    }
                }
                if (httpPort > 0 && rtmpPort > 0) {
                    return;
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        process.destroyForcibly().waitFor();
        throw new IOException("server did not start; stdout=" + stdout() + " stderr=" + stderr());
    }

    /** The shaded jar; the build's {@code package} phase makes it, so run these tests with {@code ./mvnw verify}. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("livechannel.jar", "../server/target/livechannel-server.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it first with "
                    + "`./mvnw verify` (the README's test command), not `./mvnw test`");
        }
        return jar;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public int httpPort() {
        return httpPort;
    }

    public int rtmpPort() {
        return rtmpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String httpEndpoint() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Every line printed on stdout so far. */
    public List<String> stdout() throws IOException {
        return Files.readAllLines(stdoutFile, StandardCharsets.UTF_8);
    }

    /** Every line printed on stderr (the log) so far. */
    public List<String> stderr() throws IOException {
        return Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
    }

    /**
     * The sum of a meter's samples on the server's Prometheus endpoint (started with {@code --metrics-port 0}),
     * those whose labels contain {@code label} (e.g. {@code result="stored"}) when one is given.
     */
    public long metric(String name, String... label) throws IOException, InterruptedException {
        int port = stdout().stream().map(METRICS_LINE::matcher).filter(Matcher::find)
                .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst()
                .orElseThrow(() -> new AssertionError("the server was not started with --metrics-port"));
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .filter(l -> label.length == 0 || l.contains(label[0]))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int stop() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("server ignored SIGTERM for 30 s; stderr=" + stderr());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: the process stays, frozen (timers, heartbeats and sockets unserved) until {@link #thaw()}. */
    public void freeze() throws IOException, InterruptedException {
        signal(process.pid(), "STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        signal(process.pid(), "CONT");
    }

    /** Sends {@code kill -<name> <pid>}: the JDK's ProcessHandle has no SIGSTOP or SIGCONT. */
    static void signal(long pid, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + pid + " failed: " + output);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            stop();
        }
    }
}
