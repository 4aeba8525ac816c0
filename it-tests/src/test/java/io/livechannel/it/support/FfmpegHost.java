package io.livechannel.it.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests' {@code ffmpeg} and {@code ffprobe} run: the binaries on the PATH ({@link #LOCAL}) or one
 * long-lived container of an FFmpeg image ({@link FfmpegContainer}). Every test reaches them through
 * {@link #get()}, which chooses once per test JVM and says which path it took on the test output and in
 * {@code target/it-runs/ffmpeg-host.txt}.
 *
 * <p>The switch is {@code -Dlivechannel.ffmpeg} or {@code LIVECHANNEL_FFMPEG}: {@code container} or {@code local}
 * force a path (and fail with what is missing), {@code auto} (the default) takes the container whenever a Docker
 * engine is reachable and has the image, the local binaries otherwise.
 */
public interface FfmpegHost {
    /**
     * Starts {@code command} ({@code ffmpeg ...} or {@code ffprobe ...}) and returns at once; its standard output is
     * written to {@code stdout} and its standard error to {@code stderr} (the same path for both merges them), as a
     * redirected local process would. File arguments must lie under {@link RunDirectory#root()}.
     */
    Process start(List<String> command, Path stdout, Path stderr) throws IOException;

    /** One line for the test log: which path runs the commands. */
    String describe();

    /** The binaries on the PATH, as child processes of the test JVM. */
    FfmpegHost LOCAL = new FfmpegHost() {
        @Override
        public Process start(List<String> command, Path stdout, Path stderr) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile());
            if (stdout.equals(stderr)) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(stderr.toFile());
            }
            return builder.start();
        }

        @Override
        public String describe() {
            return "local binaries " + onPath("ffmpeg").orElseThrow() + " and " + onPath("ffprobe").orElseThrow();
        }
    };

    /** The path chosen for this JVM; fails, saying how to get either path, when the chosen one cannot run. */
    static FfmpegHost get() {
        return Chosen.HOST.get();
    }

    /** The values of the switch. */
    enum Mode {
        AUTO, CONTAINER, LOCAL;

        /** {@code -Dlivechannel.ffmpeg}, else {@code $LIVECHANNEL_FFMPEG}, else {@code auto}. */
        static Mode configured() {
            String env = System.getenv("LIVECHANNEL_FFMPEG");
            String value = System.getProperty("livechannel.ffmpeg", env == null || env.isBlank() ? "auto" : env);
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("livechannel.ffmpeg / LIVECHANNEL_FFMPEG is '" + value
                        + "': use auto, container or local", e);
            }
        }
    }

    /** What the machine offers, as far as the choice is concerned. */
    record Offer(boolean dockerEngine, boolean image, boolean localBinaries) {
    }

    /**
     * The path {@code mode} takes given {@code offer}: {@link Mode#CONTAINER} or {@link Mode#LOCAL}, or an
     * {@link IllegalStateException} whose message says what is missing and how to get it.
     */
    static Mode choose(Mode mode, Offer offer, String image) {
        boolean container = offer.dockerEngine() && offer.image();
        return switch (mode) {
            case CONTAINER -> {
                if (!container) {
                    throw new IllegalStateException("the container path was asked for (" + switchNote(mode) + "), "
                            + "but " + containerMissing(offer, image));
                }
                yield Mode.CONTAINER;
            }
            case LOCAL -> {
                if (!offer.localBinaries()) {
                    throw new IllegalStateException("the local path was asked for (" + switchNote(mode) + "), but "
                            + LOCAL_MISSING);
                }
                yield Mode.LOCAL;
            }
            case AUTO -> {
                if (container) {
                    yield Mode.CONTAINER;
                }
                if (offer.localBinaries()) {
                    yield Mode.LOCAL;
                }
                throw new IllegalStateException("the end-to-end tests need ffmpeg and ffprobe, and neither path "
                        + "works here: " + LOCAL_MISSING + "; and " + containerMissing(offer, image));
            }
        };
    }

    String LOCAL_MISSING = "ffmpeg or ffprobe is not on the PATH (install them: `apt-get install ffmpeg` on "
            + "Debian/Ubuntu, `dnf install ffmpeg` on Fedora, `brew install ffmpeg` on macOS)";

    private static String containerMissing(Offer offer, String image) {
        if (!offer.dockerEngine()) {
            return "no Docker engine is reachable for the FFmpeg image " + image + " (start one; on Debian "
                    + "`apt-get install docker.io debootstrap` and `dockerd --bridge=none --iptables=false "
                    + "--ip-forward=false`, then build the image with `it-tests/scripts/build-ffmpeg-image.sh`)";
        }
        return "the Docker engine has no image " + image + " (build it as root with "
                + "`it-tests/scripts/build-ffmpeg-image.sh`, or name an image with ffmpeg and ffprobe on its PATH in "
                + "LIVECHANNEL_FFMPEG_IMAGE)";
    }

    private static String switchNote(Mode mode) {
        return "livechannel.ffmpeg / LIVECHANNEL_FFMPEG=" + mode.name().toLowerCase(Locale.ROOT);
    }

    /** {@code tool} on the PATH, if it is there. */
    static Optional<Path> onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The first line {@code ffmpeg -version} prints on {@code host}. */
    static String version(FfmpegHost host) throws IOException {
        Path out = Files.createTempFile("ffmpeg-version", ".txt");
        try {
            Process process = host.start(List.of("ffmpeg", "-version"), out, out);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("ffmpeg -version did not end within 60 s on " + host.describe());
            }
            if (process.exitValue() != 0) {
                throw new IOException("ffmpeg -version failed on " + host.describe() + ": " + Files.readString(out));
            }
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The choice, made on first use and kept (or its failure, repeated to every caller). */
    final class Chosen {
        private static final Chosen HOST = new Chosen();
        private static final Duration IMAGE_BUILD_TIMEOUT = Duration.ofMinutes(20);

        private FfmpegHost host;
        private IllegalStateException failure;

        private Chosen() {
        }

        private synchronized FfmpegHost get() {
            if (host == null && failure == null) {
                try {
                    host = decide();
                } catch (IllegalStateException e) {
                    failure = e;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (failure != null) {
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            return host;
        }

        /**
         * Whether the engine has {@code image}, waiting first while the build named by
         * {@code $LIVECHANNEL_FFMPEG_IMAGE_BUILD_PID} runs ({@code .ci/run} builds the image beside the other modules'
         * tests, and the it-tests come later).
         */
        private static boolean awaitImage(String image) {
            Optional<ProcessHandle> build = Optional.ofNullable(System.getenv("LIVECHANNEL_FFMPEG_IMAGE_BUILD_PID"))
                    .filter(pid -> pid.matches("\\d+")).flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)));
            if (build.isPresent() && build.get().isAlive() && !FfmpegContainer.imagePresent(image)) {
                System.out.println("waiting for the build of " + image + " (process " + build.get().pid() + ")");
                try {
                    build.get().onExit().orTimeout(IMAGE_BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES).join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw new IllegalStateException("the build of " + image + " still runs after "
                            + IMAGE_BUILD_TIMEOUT, e);
                }
            }
            return FfmpegContainer.imagePresent(image);
        }

        private static FfmpegHost decide() throws IOException {
            Mode mode = Mode.configured();
            String image = FfmpegContainer.image();
            boolean local = onPath("ffmpeg").isPresent() && onPath("ffprobe").isPresent();
            boolean engine = mode != Mode.LOCAL && FfmpegContainer.dockerAvailable();
            Offer offer = new Offer(engine, engine && awaitImage(image), local);
            FfmpegHost chosen = choose(mode, offer, image) == Mode.CONTAINER
                    ? FfmpegContainer.start(image, RunDirectory.root()) : LOCAL;
            String line = "ffmpeg and ffprobe for the it-tests: " + chosen.describe() + ", " + version(chosen)
                    + " (" + switchNote(mode)
                    + "; Docker engine " + (engine ? "reachable" : mode == Mode.LOCAL ? "not asked" : "not reachable")
                    + (engine ? ", image " + image + (offer.image() ? " present" : " missing") : "")
                    + "; local binaries " + (local ? "present" : "missing") + ")";
            System.out.println(line);
            Files.createDirectories(RunDirectory.root());
            Files.writeString(RunDirectory.root().resolve("ffmpeg-host.txt"), line + "\n", StandardCharsets.UTF_8);
            return chosen;
        }
    }
}
