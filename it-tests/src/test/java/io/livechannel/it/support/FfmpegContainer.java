package io.livechannel.it.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.command.TopContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * ffmpeg and ffprobe from an FFmpeg image instead of the PATH: one long-lived container ({@code sleep infinity}) in
 * which every command is a {@code docker exec}, because starting a container per command costs about twice as much.
 *
 * <p>The container shares the host's network, so the servers' {@code 127.0.0.1} URLs mean the same inside it, and
 * its PID namespace, so an exec's process id is one the test can signal ({@link ContainerProcess#signal}). The shared
 * directory is mounted at the same path, so file arguments and outputs need no translation, and the container runs as
 * that directory's owner, so what ffmpeg writes there belongs to the developer, not to root.
 *
 * <p>Testcontainers' resource reaper (Ryuk) is an image from a registry; the it-tests' surefire configuration turns
 * it off ({@code TESTCONTAINERS_RYUK_DISABLED}), so {@link #close()} and a shutdown hook remove the container.
 */
public final class FfmpegContainer implements AutoCloseable {
    /** The image {@code it-tests/scripts/build-ffmpeg-image.sh} builds from Debian bookworm's packages. */
    public static final String DEFAULT_IMAGE = "livechannel-test/ffmpeg:5.1";

    private final GenericContainer<?> container;
    private final Thread shutdownHook;

    private FfmpegContainer(GenericContainer<?> container) {
        this.container = container;
        this.shutdownHook = new Thread(container::stop, "ffmpeg-container-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The image: {@code -Dlivechannel.ffmpeg.image}, else {@code $LIVECHANNEL_FFMPEG_IMAGE}, else the default. */
    public static String image() {
        String env = System.getenv("LIVECHANNEL_FFMPEG_IMAGE");
        return System.getProperty("livechannel.ffmpeg.image", env == null || env.isBlank() ? DEFAULT_IMAGE : env);
    }

    /** True when Testcontainers finds a Docker engine (it looks once per JVM). */
    public static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts the container of {@link #image()} with {@code sharedDir} mounted read-write at the same path. */
    public static FfmpegContainer start(Path sharedDir) throws IOException {
        String image = image();
        if (!dockerAvailable()) {
            throw new IllegalStateException("no Docker engine reachable for the FFmpeg image " + image + ": start one "
                    + "(Debian: `apt-get install docker.io` and `dockerd --bridge=none --iptables=false "
                    + "--ip-forward=false`), or run with -Dlivechannel.ffmpeg=local and ffmpeg/ffprobe on the PATH");
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("the FFmpeg image " + image + " is not in the Docker engine: build it with "
                    + "`sudo it-tests/scripts/build-ffmpeg-image.sh`, or name another image that has ffmpeg and "
                    + "ffprobe on its PATH with -Dlivechannel.ffmpeg.image=... (e.g. one from your registry, pulled "
                    + "first)", e);
        }
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
        return new FfmpegContainer(container);
    }

    /** Runs {@code command} in the container to its end and returns its exit code, stdout and stderr. */
    public ExecResult run(List<String> command) throws IOException, InterruptedException {
        return container.execInContainer(command.toArray(String[]::new));
    }

    /**
     * Starts {@code command} in the container and returns at once, its stdout and stderr both appended to {@code log}
     * (as {@code ProcessBuilder.redirectErrorStream(true).redirectOutput(log)} does for a local process).
     */
    public ContainerProcess start(List<String> command, Path log) throws IOException {
        DockerClient docker = container.getDockerClient();
        String execId = docker.execCreateCmd(container.getContainerId()).withCmd(command.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        OutputStream out = Files.newOutputStream(log);
        ResultCallback.Adapter<Frame> streams = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    out.write(frame.getPayload());
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() throws IOException {
                try (out) {
                    super.close();
                }
            }
        };
        docker.execStartCmd(execId).exec(streams);
        return new ContainerProcess(this, execId, streams);
    }

    /** Sends {@code signal} (e.g. {@code KILL}, {@code STOP}) to process {@code pid} from inside the container. */
    void signal(long pid, String signal) throws IOException, InterruptedException {
        ExecResult result = run(List.of("sh", "-c", "kill -" + signal + " " + pid));
        if (result.getExitCode() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " in the container: " + result.getStderr());
        }
    }

    InspectExecResponse inspect(String execId) {
        return container.getDockerClient().inspectExecCmd(execId).exec();
    }

    public String containerId() {
        return container.getContainerId();
    }

    /** The processes the container runs, as {@code docker top} lists them (command lines). */
    public List<String> processes() {
        TopContainerResponse top = container.getDockerClient().topContainerCmd(container.getContainerId()).exec();
        int cmd = List.of(top.getTitles()).indexOf("CMD");
        return Arrays.stream(top.getProcesses()).map(row -> row[cmd]).toList();
    }

    @Override
    public void close() {
        container.stop();
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
    }

    /**
     * A command running in the container seen as a {@link Process}, so that code written for local processes (waiting,
     * exit codes, killing) works unchanged; its output went to the log file given to {@link #start}.
     */
    public static final class ContainerProcess extends Process {
        private static final Duration EXIT_REPORT_GRACE = Duration.ofSeconds(2);

        private final FfmpegContainer owner;
        private final String execId;
        private final ResultCallback.Adapter<Frame> streams;

        ContainerProcess(FfmpegContainer owner, String execId, ResultCallback.Adapter<Frame> streams) {
            this.owner = owner;
            this.execId = execId;
            this.streams = streams;
        }

        /**
         * The output streams end when the process does, but the engine may report the exec as running a moment
         * longer: the wait ends once it reports an exit code.
         */
        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            if (!streams.awaitCompletion(timeout, unit)) {
                return false;
            }
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plus(EXIT_REPORT_GRACE);
            Polling.await("exit code of exec " + execId, left, () -> owner.inspect(execId),
                    exec -> !Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null);
            return true;
        }

        @Override
        public int waitFor() throws InterruptedException {
            streams.awaitCompletion();
            waitFor(0, TimeUnit.SECONDS);
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
            return owner.inspect(execId).getPidLong();
        }

        /** Sends {@code signal} to the process from inside the container (works with a Docker engine in a VM too). */
        public void signal(String signal) throws IOException, InterruptedException {
            owner.signal(pid(), signal);
        }

        @Override
        public void destroy() {
            try {
                if (isAlive()) {
                    signal("KILL");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The output went to the log file; like a redirected local process, these streams are empty. */
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
    }
}
