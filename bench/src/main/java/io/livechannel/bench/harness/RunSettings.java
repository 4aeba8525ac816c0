package io.livechannel.bench.harness;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The load and measurement parameters shared by every target of one side-by-side run.
 *
 * @param flv                 file replayed by every publisher
 * @param publishers          concurrent publishers per target
 * @param ramp                starts are spread over this
 * @param measure             measurement window after the ramp (playlists polled, CPU counted)
 * @param tail                publishing continues this long after the window, while memory is read
 * @param fastChannels        channels polled at {@code fastPoll} for the latency distribution
 * @param fastPoll            poll interval of those
 * @param slowPoll            poll interval of the other channels
 * @param fragDurationSeconds HLS fragment length given to both servers
 * @param fragCount           playlist window given to both servers
 * @param runId               makes stream names unique per run
 * @param warmupPublishers    publishers of the unmeasured warm-up load run first against each target (0: none)
 * @param warmup              how long the warm-up load publishes (the JVM's JIT compiles the hot paths then)
 * @param warmupRamp          the warm-up's starts are spread over this (the window's ramp, so that it rehearses it)
 * @param warmupSettle        the pause between the warm-up's last publisher stopping and the window's start
 * @param warmupRounds        how many times the warm-up runs, each on channels of its own (new channels, as in the
 *                            window; see {@code TargetRun#warmUp})
 * @param dumpDir             where {@code <target>-segments.csv} (every sighting and its latency) goes; null: none
 * @param paceTick            the load generator's pace tick ({@link io.livechannel.bench.load.LoadConfig#paceTick})
 */
public record RunSettings(Path flv, int publishers, Duration ramp, Duration measure, Duration tail,
        int fastChannels, Duration fastPoll, Duration slowPoll, int fragDurationSeconds, int fragCount,
        String runId, int warmupPublishers, Duration warmup, Duration warmupRamp, Duration warmupSettle,
        int warmupRounds, Path dumpDir, Duration paceTick) {
    public String streamPattern() {
        return "b" + runId + "-%d";
    }

    /** The channels of warm-up round {@code round} (from 0). */
    public String warmupPattern(int round) {
        return "w" + runId + (round == 0 ? "" : "r" + round) + "-%d";
    }
}
