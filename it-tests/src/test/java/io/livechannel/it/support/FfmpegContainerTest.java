package io.livechannel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import io.livechannel.it.support.FfmpegContainer.ContainerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.Container.ExecResult;

/**
 * ffmpeg and ffprobe run in the FFmpeg image's container ({@link FfmpegContainer}) against a real server on
 * 127.0.0.1: a push from the container is admitted and stored, the container's ffmpeg writes into the mounted run
 * directory, and a push killed through {@link ContainerProcess} is gone from the container.
 *
 * <p>Needs a Docker engine with the image (see it-tests/README.md); without an engine the class is skipped with that
 * reason, unless {@code -Dlivechannel.ffmpeg=container} demands the container path, as CI does.
 */
class FfmpegContainerTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final Duration PUSH = Duration.ofSeconds(4);
    private static final int EXEC_SAMPLES = 20;

    private static FfmpegContainer ffmpeg;

    @BeforeAll
    static void startContainer() throws Exception {
        if ("container".equals(System.getProperty("livechannel.ffmpeg")) || FfmpegContainer.dockerAvailable()) {
            ffmpeg = FfmpegContainer.start(run.classDir());
        }
    }

    @BeforeEach
    void requireContainer() {
        assumeTrue(ffmpeg != null, "no Docker engine reachable: the container path cannot run here");
    }

    @AfterAll
    static void stopContainer() {
        if (ffmpeg != null) {
            ffmpeg.close();
        }
    }

    @Test
    void theVersionComesFromTheImage() throws Exception {
        ExecResult version = ffmpeg.run(List.of("ffmpeg", "-version"));
        ExecResult probe = ffmpeg.run(List.of("ffprobe", "-version"));

        assertThat(version.getExitCode()).isZero();
        assertThat(version.getStdout()).startsWith("ffmpeg version ");
        assertThat(probe.getStdout()).startsWith("ffprobe version ");
        run.record("ffmpeg in " + FfmpegContainer.image() + ": " + version.getStdout().lines().findFirst().orElse(""));
        long[] millis = new long[EXEC_SAMPLES];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            assertThat(ffmpeg.run(List.of("ffprobe", "-version")).getExitCode()).isZero();
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        run.record("exec of ffprobe -version in the container: p50 " + millis[millis.length / 2] + " ms, max "
                + millis[millis.length - 1] + " ms (" + millis.length + " runs)");
    }

    @Test
    void aPushFromTheContainerIsStoredAndItsFramesWrittenToTheRunDirectory() throws Exception {
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir())) {
            String url = createChannel(deployment, "from-container");
            Path log = run.testDir().resolve("ffmpeg-push.log");
            ContainerProcess push = ffmpeg.start(Ffmpeg.pushCommand(url, PUSH, Ffmpeg.Video.DEFAULT,
                    run.testDir().resolve("ffmpeg-push.progress")), log);
            long pid = push.pid();
            Polling.await("the push among the container's processes", Duration.ofSeconds(10), ffmpeg::processes,
                    commands -> commands.stream().anyMatch(c -> c.contains("from-container")));

            assertThat(push.waitFor(PUSH.toSeconds() + 30, TimeUnit.SECONDS)).as("push %d ended", pid).isTrue();
            assertThat(push.exitValue()).as("push exit; log:\n%s", Files.readString(log)).isZero();
            MediaPlaylist finished = Polling.await("#EXT-X-ENDLIST", Duration.ofSeconds(15),
                    () -> deployment.playlist(BUCKET, "from-container/playlist.m3u8"),
                    p -> p.isPresent() && p.get().hasEndList()).orElseThrow();
            assertThat(finished.totalDurationSeconds()).isGreaterThan(PUSH.toSeconds() - 1);
            assertThat(deployment.serverLogLines("publish started")).anyMatch(l -> l.contains("from-container"));

            Path frame = run.testDir().resolve("first-frame.png");
            String segment = deployment.objectUrl(BUCKET, "from-container/" + finished.segments().get(0).uri());
            ExecResult written = ffmpeg.run(List.of("ffmpeg", "-v", "error", "-nostdin", "-i", segment,
                    "-frames:v", "1", frame.toString()));
            assertThat(written.getExitCode()).as("ffmpeg: %s", written.getStderr()).isZero();
            assertThat(Files.size(frame)).isPositive();
            assertThat(Files.getAttribute(frame, "unix:uid")).as("owner of what the container wrote")
                    .isEqualTo(Files.getAttribute(run.testDir(), "unix:uid"));
        }
    }

    @Test
    void aKilledPushIsGoneFromTheContainer() throws Exception {
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir())) {
            String url = createChannel(deployment, "killed");
            ContainerProcess push = ffmpeg.start(Ffmpeg.pushCommand(url, Duration.ofSeconds(60), Ffmpeg.Video.DEFAULT,
                    run.testDir().resolve("ffmpeg-push.progress")), run.testDir().resolve("ffmpeg-push.log"));
            Polling.await("the publish admitted", Duration.ofSeconds(15),
                    () -> deployment.serverLogLines("publish started"), lines -> !lines.isEmpty());

            push.destroyForcibly();

            assertThat(push.waitFor(10, TimeUnit.SECONDS)).as("killed push ended").isTrue();
            assertThat(push.exitValue()).isEqualTo(128 + 9);
            assertThat(ffmpeg.processes()).noneMatch(c -> c.contains("killed"));
        }
    }

    private static String createChannel(Deployment deployment, String channel) {
        deployment.oss().createLiveChannel(new CreateLiveChannelRequest(BUCKET, channel, "", LiveChannelStatus.Enabled,
                new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
        return deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
    }
}
