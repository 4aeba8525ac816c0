package io.livechannel.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -cp bench/target/benchmarks.jar io.livechannel.bench.load.LoadCommand ...}: runs one load against one
 * RTMP server and prints the {@link LoadReport}. Exit code 0 only if every publish was accepted and completed.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Replays an FLV to N concurrent RTMP publishers at real-time pace.")
public final class LoadCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", required = true) int port;
    @Option(names = "--app", defaultValue = "live") String app;
    @Option(names = "--streams", defaultValue = "bench-%d", description = "stream name pattern, %d = index")
    String streams;
    @Option(names = "--publishers", defaultValue = "1") int publishers;
    @Option(names = "--ramp-seconds", defaultValue = "5") long rampSeconds;
    @Option(names = "--hold-seconds", defaultValue = "20") long holdSeconds;
    @Option(names = "--chunk-size", defaultValue = "4096") int chunkSize;
    @Option(names = "--flv", required = true) Path flv;
    @Option(names = "--pace-tick-ms", defaultValue = "" + LoadConfig.DEFAULT_PACE_TICK_MILLIS,
            description = "send each message on the first multiple of this at or after its due time; 0: exactly "
                    + "when due")
    long paceTickMillis;

    LoadConfig config() {
        return new LoadConfig(host, port, app, streams, publishers, Duration.ofSeconds(rampSeconds),
                Duration.ofSeconds(holdSeconds), chunkSize, flv, Duration.ofMillis(paceTickMillis));
    }

    @Override
    public Integer call() throws Exception {
        LoadConfig c = config();
        try (RtmpLoadGenerator g = RtmpLoadGenerator.start(c)) {
            boolean all = g.awaitDone(c.ramp().plus(c.hold()).plusSeconds(60));
            LoadReport r = g.report();
            System.out.println((all ? "" : "(timed out waiting for publishers) ") + r);
            return all && r.accepted() == publishers && r.completed() == publishers ? 0 : 1;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadCommand()).execute(args));
    }
}
