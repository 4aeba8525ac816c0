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
 */
public record LoadConfig(String host, int port, String app, String streamNames, int publishers, Duration ramp,
        Duration hold, int chunkSize, Path flv) {
    /** File descriptors and the 2-core box bound this; 5000 is ten times the target load. */
    public static final int MAX_PUBLISHERS = 5000;

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
