package io.livechannel.bench.harness;

import io.livechannel.bench.load.LoadConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -cp bench/target/benchmarks.jar io.livechannel.bench.harness.SideBySideCommand ...}: the same load
 * against livechannel and nginx-rtmp, one after the other in one invocation, and a Markdown table with both
 * and their ratio. Both servers must already be running (bench/scripts/side-by-side.sh starts them).
 */
@Command(name = "side-by-side", mixinStandardHelpOptions = true,
        description = "Runs the same RTMP load against livechannel and nginx-rtmp and compares them.")
public final class SideBySideCommand implements Callable<Integer> {
    @Option(names = "--flv", required = true) Path flv;
    @Option(names = "--publishers", defaultValue = "10") int publishers;
    @Option(names = "--ramp-seconds", defaultValue = "5") long rampSeconds;
    @Option(names = "--measure-seconds", defaultValue = "20") long measureSeconds;
    @Option(names = "--tail-seconds", defaultValue = "5") long tailSeconds;
    @Option(names = "--latency-channels", defaultValue = "10") int latencyChannels;
    @Option(names = "--latency-poll-ms", defaultValue = "10") long latencyPollMillis;
    @Option(names = "--poll-ms", defaultValue = "500") long pollMillis;
    @Option(names = "--warmup-publishers", defaultValue = "0") int warmupPublishers;
    @Option(names = "--warmup-seconds", defaultValue = "30") long warmupSeconds;
    @Option(names = "--warmup-ramp-seconds", defaultValue = "-1",
            description = "how the warm-up's starts are spread; default: like the window's (--ramp-seconds)")
    long warmupRampSeconds;
    @Option(names = "--warmup-settle-seconds", defaultValue = "20",
            description = "pause after the warm-up, so the JIT's work on its ending is done before the window")
    long warmupSettleSeconds;
    @Option(names = "--warmup-rounds", defaultValue = "1",
            description = "warm-up runs, each on new channels, so the JIT has seen a wave of new channels on "
                    + "compiled code before the window")
    int warmupRounds;
    @Option(names = "--pace-tick-ms", defaultValue = "" + LoadConfig.DEFAULT_PACE_TICK_MILLIS,
            description = "the load generator sends each message on the first multiple of this at or after its due "
                    + "time; 0: exactly when due (a wakeup per message)")
    long paceTickMillis;
    @Option(names = "--frag-duration", defaultValue = "2") int fragDuration;
    @Option(names = "--frag-count", defaultValue = "3") int fragCount;
    @Option(names = "--snapshot-interval", defaultValue = "0",
            description = "livechannel's channels take a snapshot every N seconds into their bucket (0: none)")
    int snapshotInterval;
    @Option(names = "--order", split = ",", defaultValue = "livechannel,nginx-rtmp",
            description = "targets to run, in order")
    List<String> order;

    @Option(names = "--ours-pid") long oursPid;
    @Option(names = "--ours-rtmp-port", defaultValue = "1935") int oursRtmpPort;
    @Option(names = "--ours-http-port", defaultValue = "8080") int oursHttpPort;
    @Option(names = "--ours-bucket", defaultValue = "live") String oursBucket;
    @Option(names = "--access-key-id") String accessKeyId;
    @Option(names = "--access-key-secret") String accessKeySecret;

    @Option(names = "--nginx-pid") long nginxPid;
    @Option(names = "--nginx-rtmp-port", defaultValue = "19350") int nginxRtmpPort;
    @Option(names = "--nginx-http-port", defaultValue = "18088") int nginxHttpPort;

    @Option(names = "--out", description = "append the Markdown result here") Path out;
    @Option(names = "--dump-dir", description = "write <target>-segments.csv (every segment sighting) here")
    Path dumpDir;

    @Override
    public Integer call() throws Exception {
        RunSettings s = new RunSettings(flv, publishers, Duration.ofSeconds(rampSeconds),
                Duration.ofSeconds(measureSeconds), Duration.ofSeconds(tailSeconds), latencyChannels,
                Duration.ofMillis(latencyPollMillis), Duration.ofMillis(pollMillis), fragDuration, fragCount,
                Long.toString(System.currentTimeMillis() / 1000 % 100000), warmupPublishers,
                Duration.ofSeconds(warmupSeconds),
                Duration.ofSeconds(warmupRampSeconds < 0 ? rampSeconds : warmupRampSeconds),
                Duration.ofSeconds(warmupSettleSeconds), warmupRounds, dumpDir, Duration.ofMillis(paceTickMillis));
        List<TargetResult> results = new ArrayList<>();
        for (String name : order) {
            results.add(TargetRun.run(target(name), s));
            Thread.sleep(3000);
        }
        String header = String.format("Run %s: %d publishers, ramp %d s, window = ramp + %d s, FLV %s paced on a "
                        + "%d ms tick, fragment %d s x %d, latency polled every %d ms on %d channels, others every "
                        + "%d ms; "
                        + "warm-up before each target: %d x (%d publishers for %d s (ramp %d s), then %d s of "
                        + "pause)%n%n",
                Instant.now(), publishers, rampSeconds, measureSeconds, flv.getFileName(), paceTickMillis, fragDuration,
                fragCount,
                latencyPollMillis, Math.min(latencyChannels, publishers), pollMillis,
                warmupPublishers == 0 ? 0 : warmupRounds, warmupPublishers,
                warmupPublishers == 0 ? 0 : warmupSeconds, s.warmupRamp().toSeconds(), s.warmupSettle().toSeconds());
        String table = header + ResultTable.render(results) + "\n" + TargetVerdicts.render(results);
        System.out.println(table);
        if (out != null) {
            Files.writeString(out, table + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        return 0;
    }

    private Target target(String name) {
        return switch (name) {
            case "livechannel" -> new Target(name, oursPid, oursRtmpPort, "live",
                    "http://127.0.0.1:" + oursHttpPort + "/" + oursBucket + "/%s/playlist.m3u8", true,
                    new OssChannelCreator(URI.create("http://127.0.0.1:" + oursHttpPort), oursBucket, accessKeyId,
                            accessKeySecret, snapshotInterval));
            case "nginx-rtmp" -> new Target(name, nginxPid, nginxRtmpPort, "live",
                    "http://127.0.0.1:" + nginxHttpPort + "/live/%s.m3u8", false, null);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown target " + name);
        };
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SideBySideCommand()).execute(args));
    }
}
