package io.livechannel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import io.livechannel.it.support.FfmpegHost.Mode;
import io.livechannel.it.support.FfmpegHost.Offer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The it-tests' ffmpeg runs where the switch says ({@link FfmpegHost}), and the run shows it: on the container path a
 * push the server logs arrives on a socket of a process that the container runs, in the container's own file system,
 * and {@code ffmpeg -version} is the build the image's package database names; on the local path the push is a child
 * process of the test JVM. The switch's choice is checked for every combination of what a machine offers.
 */
class FfmpegHostTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String IMAGE = "livechannel-test/ffmpeg:5.1";
    private static final int EXEC_SAMPLES = 10;
    private static final Pattern PEER = Pattern.compile("peer=127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern DPKG_VERSION = Pattern.compile(
            "(?ms)^Package: ffmpeg$.*?^Version: (?:\\d+:)?(\\S+)$");

    @Test
    void theSwitchTakesTheContainerWhenTheEngineHasTheImageAndSaysWhatIsMissingOtherwise() {
        Offer everything = new Offer(true, true, true);
        Offer noImage = new Offer(true, false, true);
        Offer noEngine = new Offer(false, false, true);
        Offer containerOnly = new Offer(true, true, false);
        Offer nothing = new Offer(false, false, false);

        assertThat(FfmpegHost.choose(Mode.AUTO, everything, IMAGE)).isEqualTo(Mode.CONTAINER);
        assertThat(FfmpegHost.choose(Mode.AUTO, containerOnly, IMAGE)).isEqualTo(Mode.CONTAINER);
        assertThat(FfmpegHost.choose(Mode.AUTO, noImage, IMAGE)).isEqualTo(Mode.LOCAL);
        assertThat(FfmpegHost.choose(Mode.AUTO, noEngine, IMAGE)).isEqualTo(Mode.LOCAL);
        assertThat(FfmpegHost.choose(Mode.LOCAL, everything, IMAGE)).isEqualTo(Mode.LOCAL);
        assertThat(FfmpegHost.choose(Mode.CONTAINER, everything, IMAGE)).isEqualTo(Mode.CONTAINER);

        assertThatThrownBy(() -> FfmpegHost.choose(Mode.AUTO, nothing, IMAGE))
                .hasMessageContaining("apt-get install ffmpeg").hasMessageContaining("no Docker engine is reachable")
                .hasMessageContaining("build-ffmpeg-image.sh");
        assertThatThrownBy(() -> FfmpegHost.choose(Mode.CONTAINER, noEngine, IMAGE))
                .hasMessageContaining("LIVECHANNEL_FFMPEG=container").hasMessageContaining("dockerd --bridge=none");
        assertThatThrownBy(() -> FfmpegHost.choose(Mode.CONTAINER, noImage, IMAGE))
                .hasMessageContaining("has no image " + IMAGE).hasMessageContaining("LIVECHANNEL_FFMPEG_IMAGE");
        assertThatThrownBy(() -> FfmpegHost.choose(Mode.LOCAL, containerOnly, IMAGE))
                .hasMessageContaining("LIVECHANNEL_FFMPEG=local").hasMessageContaining("not on the PATH");
    }

    @Test
    void thePushTheServerLogsComesFromTheProcessOfThePathThatRan() throws Exception {
        FfmpegHost host = FfmpegHost.get();
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir())) {
            deployment.oss().createLiveChannel(new CreateLiveChannelRequest(Deployment.BUCKET, "origin", "",
                    LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
            String url = deployment.signedPushUrl(Deployment.BUCKET, "origin", "playlist.m3u8", Duration.ofHours(1));
            try (Push push = Ffmpeg.push(url, Duration.ofSeconds(30), run.testDir())) {
                push.awaitAdmitted(Duration.ofSeconds(15));
                String started = Polling.await("the server's log of the publish", Duration.ofSeconds(10),
                        () -> deployment.serverLogLines("publish started"), lines -> !lines.isEmpty()).get(0);
                Matcher peer = PEER.matcher(started);
                assertThat(peer.find()).as("peer address in %s", started).isTrue();
                long owner = socketOwner(Integer.parseInt(peer.group(1))).orElseThrow(() -> new AssertionError(
                        "no process holds the publish's socket 127.0.0.1:" + peer.group(1)));
                run.record("publish logged as '" + started.substring(started.indexOf("rtmp#")) + "': its socket is "
                        + "held by process " + owner + ", the push started through " + host.describe());

                assertThat(owner).as("the process holding the logged connection is the push").isEqualTo(push.pid());
                boolean ownFileSystem = !mountNamespace(owner).equals(mountNamespace(ProcessHandle.current().pid()));
                if (host instanceof FfmpegContainer container) {
                    assertThat(container.processIds()).as("docker top of the container").contains(owner);
                    assertThat(ownFileSystem).as("the push runs in the container's mount namespace").isTrue();
                } else {
                    assertThat(ProcessHandle.current().children().map(ProcessHandle::pid)).contains(owner);
                    assertThat(ownFileSystem).as("a local push shares the test JVM's file system").isFalse();
                }
                Path progress = Polling.await("ffmpeg's progress file", Duration.ofSeconds(10),
                        () -> findProgressFile(run.testDir()), Optional::isPresent).orElseThrow();
                assertThat(Files.getAttribute(progress, "unix:uid")).as("owner of what ffmpeg wrote")
                        .isEqualTo(Files.getAttribute(run.testDir(), "unix:uid"));
            }
        }
    }

    @Test
    void theVersionStringIsTheBuildOfThePathThatRan() throws Exception {
        FfmpegHost host = FfmpegHost.get();
        String version = FfmpegHost.version(host);
        run.record(host.describe() + ": " + version);

        assertThat(version).startsWith("ffmpeg version ");
        long[] millis = new long[EXEC_SAMPLES];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            FfmpegHost.version(host);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        run.record("ffmpeg -version start to exit through " + host.describe() + ": p50 " + millis[millis.length / 2]
                + " ms, max " + millis[millis.length - 1] + " ms (" + millis.length + " runs)");
        if (host instanceof FfmpegContainer container) {
            // The container's own root, read from the host: what its package manager installed there.
            long sleeper = container.processIds().get(0);
            String status = Files.readString(Path.of("/proc", Long.toString(sleeper), "root", "var/lib/dpkg/status"));
            Matcher installed = DPKG_VERSION.matcher(status);
            assertThat(installed.find()).as("ffmpeg in the image's package database").isTrue();
            assertThat(version).startsWith("ffmpeg version " + installed.group(1) + " ");
        } else {
            assertThat(host.describe()).contains(FfmpegHost.onPath("ffmpeg").orElseThrow().toString());
        }
    }

    /** The process holding the TCP socket whose local port is {@code port}, from /proc (Linux). */
    private static Optional<Long> socketOwner(int port) throws IOException {
        String localPort = String.format(Locale.ROOT, ":%04X", port);
        Optional<String> inode = Stream.of("/proc/net/tcp", "/proc/net/tcp6").map(Path::of).filter(Files::exists)
                .flatMap(FfmpegHostTest::lines).map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 9 && f[1].endsWith(localPort)).map(f -> f[9]).findFirst();
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        String target = "socket:[" + inode.get() + "]";
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(pid -> holds(pid, target)).findFirst();
    }

    private static boolean holds(long pid, String socket) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(socket);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().skip(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String mountNamespace(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")).toString();
    }

    private static Optional<Path> findProgressFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".progress")).findFirst();
        }
    }
}
