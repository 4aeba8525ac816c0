package io.livechannel.bench.harness;

import io.livechannel.bench.load.FailureReason;
import io.livechannel.bench.load.LoadConfig;
import io.livechannel.bench.load.LoadReport;
import io.livechannel.bench.load.RtmpLoadGenerator;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one load against one target and measures it:
 * <ol>
 *   <li>creates the channels (livechannel only) and reads the baseline RSS and live heap;</li>
 *   <li>starts the playlist poller, reads the CPU counter, starts the load generator;</li>
 *   <li>at the end of ramp + measure: reads CPU and bytes sent, stops the poller, reads RSS and live heap while
 *       every publisher is still connected;</li>
 *   <li>waits for the publishers to stop (at their first keyframe after the tail) and matches sightings to
 *       keyframes.</li>
 * </ol>
 * Blocking; runs on the caller's thread.
 */
final class TargetRun {
    private static final Logger log = LoggerFactory.getLogger(TargetRun.class);

    private TargetRun() {
    }

    static TargetResult run(Target t, RunSettings s) throws IOException, InterruptedException {
        String pattern = s.streamPattern();
        createChannels(t, s, pattern, s.publishers());
        for (int round = 0; s.warmupPublishers() > 0 && round < s.warmupRounds(); round++) {
            warmUp(t, s, round);
        }
        long heapBaseline = t.isJvm() ? ProcessProbe.liveHeapBytes(t.pid()) : -1;
        long rssBaseline = ProcessProbe.sample(t.pid()).rssBytes();

        PlaylistPoller poller = new PlaylistPoller(i -> String.format(t.playlistUrl(), String.format(pattern, i)),
                s.publishers(), s.fastChannels(), s.fastPoll(), s.slowPoll());
        poller.start();
        ProcessProbe.Sample cpu0 = ProcessProbe.sample(t.pid());
        java.util.Map<Long, ProcessProbe.ThreadTimes> threads0 = ProcessProbe.threadCpu(t.pid());
        LoadConfig config = new LoadConfig("127.0.0.1", t.rtmpPort(), t.app(), pattern, s.publishers(), s.ramp(),
                s.measure().plus(s.tail()), LoadConfig.obsChunkSize(), s.flv(), s.paceTick());
        try (RtmpLoadGenerator g = RtmpLoadGenerator.start(config)) {
            sleepUntil(g.startNanos() + s.ramp().toNanos());
            ProcessProbe.Sample cpuRamped = ProcessProbe.sample(t.pid());
            java.util.Map<Long, ProcessProbe.ThreadTimes> threadsRamped = ProcessProbe.threadCpu(t.pid());
            long rampBytes = g.stats().bytesWritten();
            long rampedNanos = System.nanoTime();
            long windowEnd = g.startNanos() + s.ramp().plus(s.measure()).toNanos();
            sleepUntil(windowEnd);
            ProcessProbe.Sample cpu1 = ProcessProbe.sample(t.pid());
            java.util.Map<Long, ProcessProbe.ThreadTimes> threads1 = ProcessProbe.threadCpu(t.pid());
            long windowBytes = g.stats().bytesWritten();
            double windowSeconds = (System.nanoTime() - g.startNanos()) / 1e9;
            TargetResult.Phase afterRamp = new TargetResult.Phase((System.nanoTime() - rampedNanos) / 1e9,
                    windowBytes - rampBytes, cpu1.cpuSeconds() - cpuRamped.cpuSeconds(),
                    ProcessProbe.groupDelta(threadsRamped, threads1));
            poller.stop();
            int publishing = g.stats().accepted() - (int) g.stats().failures(FailureReason.CLOSED_WHILE_PUBLISHING);
            long rssPeak = ProcessProbe.sample(t.pid()).rssBytes();
            long heapPeak = -1;
            if (t.isJvm()) {
                try {
                    heapPeak = ProcessProbe.liveHeapBytes(t.pid());
                } catch (IOException e) {
                    log.error("{}: cannot read the live heap, reported as missing: {}", t.name(), e.getMessage());
                }
            }
            log.info("{}: window closed; {} publishing, reading memory done, waiting for publishers to stop",
                    t.name(), publishing);
            g.awaitDone(s.tail().plusSeconds(30));
            LoadReport report = g.report();
            if (s.dumpDir() != null) {
                java.nio.file.Files.write(s.dumpDir().resolve(t.name() + "-segments.csv"), LatencyAnalysis.csv(
                        poller.sightings(), g.keyframeTimestampsMillis(), g.stats()::keyframeSentNanos,
                        g.startNanos()));
            }
            LatencyAnalysis latency = LatencyAnalysis.of(poller.sightings(), g.keyframeTimestampsMillis(),
                    g.stats()::keyframeSentNanos, poller.fastChannels());
            TargetResult r = new TargetResult(t.name(), report, windowSeconds, windowBytes,
                    cpu1.cpuSeconds() - cpu0.cpuSeconds(), rssBaseline, rssPeak, heapBaseline, heapPeak, publishing,
                    latency, poller.requests(), poller.errors(), poller.gaps(),
                    ProcessProbe.groupDelta(threads0, threads1),
                    poller.responseTimes().percentileMillis(0.5), poller.responseTimes().percentileMillis(0.99),
                    poller.segmentFetches(), afterRamp);
            log.info("{}: {}", t.name(), report);
            return r;
        } finally {
            poller.stop();
        }
    }

    private static void createChannels(Target t, RunSettings s, String pattern, int count)
            throws IOException, InterruptedException {
        if (t.channels() != null) {
            for (int i = 0; i < count; i++) {
                t.channels().create(String.format(pattern, i), s.fragDurationSeconds(), s.fragCount());
            }
            log.info("{}: created {} channels {}", t.name(), count, pattern);
        }
    }

    /**
     * An unmeasured load on other channels, with the same ramp and playlist polling, so the measured one meets
     * compiled code on both the ingest and the GET paths (nginx gets the same). The pause after it lets C2 finish
     * what the warm-up's own end set off: its publishers stopping deoptimizes methods compiled without that path,
     * and their recompilation would otherwise be charged to the measured window.
     *
     * <p>Round {@code round} uses channels of its own. A second round is the first wave of new channels that meets
     * code C2 compiled under load: the profile the first round's compilations were made from has not seen what
     * only a wave of new channels does while that code runs (polls answered 404 before a channel publishes, channel
     * starts, first segments), and those paths then deoptimize and recompile. Without a second round the window's
     * own ramp pays for that.
     */
    private static void warmUp(Target t, RunSettings s, int round) throws IOException, InterruptedException {
        String pattern = s.warmupPattern(round);
        createChannels(t, s, pattern, s.warmupPublishers());
        LoadConfig warm = new LoadConfig("127.0.0.1", t.rtmpPort(), t.app(), pattern,
                s.warmupPublishers(), s.warmupRamp(), s.warmup(), LoadConfig.obsChunkSize(), s.flv(), s.paceTick());
        PlaylistPoller poller = new PlaylistPoller(
                i -> String.format(t.playlistUrl(), String.format(pattern, i)), s.warmupPublishers(),
                s.fastChannels(), s.fastPoll(), s.slowPoll());
        poller.start();
        try (RtmpLoadGenerator g = RtmpLoadGenerator.start(warm)) {
            g.awaitDone(s.warmupRamp().plus(s.warmup()).plusSeconds(40));
            log.info("{}: warm-up round {} {}", t.name(), round + 1, g.report());
        } finally {
            poller.stop();
        }
        Thread.sleep(s.warmupSettle().toMillis());
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, Duration.ofSeconds(1).toNanos()));
        }
    }
}
