package io.livechannel.it.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.command.TopContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * ffmpeg and ffprobe from an FFmpeg image instead of the PATH: one long-lived container ({@code sleep infinity}) for
 * the whole test run, in which every command is a {@code docker exec}, because starting a container per command
 * costs about twice as much.
 *
 * <p>The container shares the host's network, so the servers' {@code 127.0.0.1} URLs mean the same inside it, and
 * its PID namespace, so an exec's process id is a host process id the test can signal like a local one (freezing a
 * publisher with {@code kill -STOP}). The run directory is mounted at the same path, so file arguments and outputs
 * need no translation, and the container runs as that directory's owner, so what ffmpeg writes there belongs to the
 * developer, not to root.
 *
 * <p>Testcontainers' resource reaper (Ryuk) is an image from a registry; the it-tests' surefire configuration turns
 * it off ({@code TESTCONTAINERS_RYUK_DISABLED}), so a shutdown hook removes the container when the test JVM exits.
 */
public final class FfmpegContainer implements FfmpegHost {
    /** The image {@code it-tests/scripts/build-ffmpeg-image.sh} builds from Debian bookworm's packages. */
    public static final String DEFAULT_IMAGE = "livechannel-test/ffmpeg:5.1";

    private final GenericContainer<?> container;
    private final String image;

    private FfmpegContainer(GenericContainer<?> container, String image) {
        this.container = container;
        this.image = image;
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "ffmpeg-container-stop"));
    }

    /** The image: {@code -Dlivechannel.ffmpeg.image}, else {@code $LIVECHANNEL_FFMPEG_IMAGE}, else the default. */
    public static String image() {
        String env = System.getenv("LIVECHANNEL_FFMPEG_IMAGE");
        return System.getProperty("livechannel.ffmpeg.image", env == null || env.isBlank() ? DEFAULT_IMAGE : env);
    }

    /** True when Testcontainers finds a Docker engine (it looks once per JVM). */
    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** True when the engine has {@code image} (the tests never pull: no registry may be reachable). */
    static boolean imagePresent(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Starts a container of {@code image} with {@code sharedDir} mounted read-write at the same path. */
    static FfmpegContainer start(String image, Path sharedDir) throws IOException {
        Path dir = sharedDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        String user = Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withFileSystemBind(dir.toString(), dir.toString(), BindMode.READ_WRITE)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withEntrypoint("sleep").withCmd("infinity").withUser(user);
                    cmd.getHostConfig().withPidMode("host");
                });
        container.start();
        return new FfmpegContainer(container, image);
    }

    @Override
    public ContainerProcess start(List<String> command, Path stdout, Path stderr) throws IOException {
        DockerClient docker = container.getDockerClient();
        String execId = docker.execCreateCmd(container.getContainerId()).withCmd(command.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        OutputStream out = Files.newOutputStream(stdout);
        ExecOutput streams = new ExecOutput(out, stdout.equals(stderr) ? out : Files.newOutputStream(stderr));
        docker.execStartCmd(execId).exec(streams);
        return new ContainerProcess(this, execId, streams);
    }

    /**
     * Copies an exec's output frames into its files and counts down once the streams end. Its own latch, because
     * docker-java's {@code awaitCompletion(timeout)} closes the streams when it returns.
     */
    private static final class ExecOutput extends ResultCallback.Adapter<Frame> {
        private final CountDownLatch ended = new CountDownLatch(1);
        private final OutputStream out;
        private final OutputStream err;

        ExecOutput(OutputStream out, OutputStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onNext(Frame frame) {
            try {
                OutputStream target = frame.getStreamType() == StreamType.STDERR ? err : out;
                target.write(frame.getPayload());
                target.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Called once the streams complete or fail. */
        @Override
        public void close() throws IOException {
            try (out; err) {
                super.close();
            } finally {
                ended.countDown();
            }
        }

        boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
            return ended.await(timeout, unit);
        }
    }

    @Override
    public String describe() {
        return "container " + containerId().substring(0, 12) + " of image " + image + " (docker exec)";
    }

    InspectExecResponse inspect(String execId) {
        return container.getDockerClient().inspectExecCmd(execId).exec();
    }

    public String containerId() {
        return container.getContainerId();
    }

    /** The host process ids of the processes the container runs, as {@code docker top} lists them. */
    public List<Long> processIds() {
        TopContainerResponse top = container.getDockerClient().topContainerCmd(container.getContainerId()).exec();
        int pid = List.of(top.getTitles()).indexOf("PID");
        return Arrays.stream(top.getProcesses()).map(row -> Long.parseLong(row[pid])).toList();
    }

    /**
     * A command running in the container seen as a {@link Process}, so that code written for local processes (waiting,
     * exit codes, killing) works unchanged; its output went to the log file given to {@link #start}.
     */
    public static final class ContainerProcess extends Process {
        /** How long the engine may take to report an exec started, or ended once its output streams closed. */
        private static final Duration ENGINE_REPORT = Duration.ofSeconds(5);
        private static final long INSPECT_INTERVAL_MILLIS = 5;

        private final FfmpegContainer owner;
        private final String execId;
        private final ExecOutput streams;
        private final long pid;

        ContainerProcess(FfmpegContainer owner, String execId, ExecOutput streams) {
            this.owner = owner;
            this.execId = execId;
            this.streams = streams;
            // The start is asynchronous: wait until the engine has a process id (or an exit code, when the command
            // could not start), so that pid(), isAlive() and destroy() never see an exec that has not begun.
            Long started = awaitReport("started", exec -> exec.getPidLong() != null && exec.getPidLong() > 0
                    || exec.getExitCodeLong() != null).getPidLong();
            this.pid = started == null ? 0 : started;
        }

        /**
         * The output streams end when the process does, but the engine may report the exec as running a moment
         * longer: the wait ends once it reports an exit code.
         */
        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            if (!streams.awaitEnd(timeout, unit)) {
                return false;
            }
            awaitReport("ended", exec -> !Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null);
            return true;
        }

        @Override
        public int waitFor() throws InterruptedException {
            waitFor(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            return exitValue();
        }

        @Override
        public int exitValue() {
            InspectExecResponse exec = owner.inspect(execId);
            if (Boolean.TRUE.equals(exec.isRunning()) || exec.getExitCodeLong() == null) {
                throw new IllegalThreadStateException("still running in the container: exec " + execId);
            }
            return exec.getExitCodeLong().intValue();
        }

        @Override
        public boolean isAlive() {
            return Boolean.TRUE.equals(owner.inspect(execId).isRunning());
        }

        /** The process id, the same inside the container and on the Docker host (the container uses the host's). */
        @Override
        public long pid() {
            return pid;
        }

        /** SIGKILL from the host, as for a local process (the container shares the host's process ids). */
        @Override
        public void destroy() {
            if (isAlive()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }

        /** The output went to the files given to {@link #start}; like a redirected local process, these are empty. */
        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        private InspectExecResponse awaitReport(String what, Predicate<InspectExecResponse> done) {
            long deadline = System.nanoTime() + ENGINE_REPORT.toNanos();
            while (true) {
                InspectExecResponse exec = owner.inspect(execId);
                if (done.test(exec)) {
                    return exec;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Docker engine did not report exec " + execId + " " + what
                            + " within " + ENGINE_REPORT + ": " + exec);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INSPECT_INTERVAL_MILLIS));
            }
        }
    }
}
