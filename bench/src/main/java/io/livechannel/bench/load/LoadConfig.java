package io.livechannel.bench.load;

import io.livechannel.bench.rtmpclient.ChunkWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One load: who to publish to, how many, how fast they start and how long they last.
 *
 * @param host           RTMP server host
 * @param port           RTMP server port
 * @param app            RTMP application (the first path segment of the URL, {@code live})
 * @param streamNames    pattern for publisher i's stream name, formatted with {@code String.format(pattern, i)}
 * @param publishers     number of concurrent publishers (1..{@value #MAX_PUBLISHERS})
 * @param ramp           publisher i starts at {@code i × ramp / publishers}
 * @param hold           how long every publisher keeps publishing after the last one started
 * @param chunkSize      outgoing chunk size (4096 like OBS)
 * @param flv            the file to replay; must last longer than {@code ramp + hold}
 * @param paceTick       messages are sent on the first multiple of this (on the {@code System.nanoTime()} scale)
 *                       at or after they are due, so that all publishers of an event loop wake together; zero sends
 *                       each message when due (one wakeup per message)
 */
public record LoadConfig(String host, int port, String app, String streamNames, int publishers, Duration ramp,
        Duration hold, int chunkSize, Path flv, Duration paceTick) {
    /** File descriptors and the 2-core box bound this; 5000 is ten times the target load. */
    public static final int MAX_PUBLISHERS = 5000;
    /**
     * The default {@link #paceTick}, in milliseconds (the commands' {@code --pace-tick-ms}). Why (issue 9): with a wakeup per message (36,000 a second at 500 publishers) the
     * load generator's {@code epoll_wait}s alone were 36 % of its CPU on a VM where returning from a system call is
     * dear, and the generator took 1.3 of the machine's 2 cores, starving the server it measures. A 5 ms tick is
     * within an encoder's own jitter (a 30 fps frame every 33 ms, an AAC frame every 23 ms), and the pacing lag
     * reported still counts from each message's due time.
     */
    public static final long DEFAULT_PACE_TICK_MILLIS = 5;

    public LoadConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(streamNames, "streamNames");
        Objects.requireNonNull(flv, "flv");
        if (publishers < 1 || publishers > MAX_PUBLISHERS) {
            throw new IllegalArgumentException("publishers " + publishers + " outside 1.." + MAX_PUBLISHERS);
        }
        if (ramp.isNegative() || hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("ramp must be >= 0 and hold > 0: " + ramp + ", " + hold);
        }
        if (paceTick.isNegative() || paceTick.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("paceTick must be 0..1 s: " + paceTick);
        }
    }

    /** Default chunk size, as OBS announces it. */
    public static int obsChunkSize() {
        return ChunkWriter.OBS_CHUNK_SIZE;
    }

    public String streamName(int index) {
        return String.format(streamNames, index);
    }

    public String tcUrl() {
        return "rtmp://" + host + ":" + port + "/" + app;
    }
}
