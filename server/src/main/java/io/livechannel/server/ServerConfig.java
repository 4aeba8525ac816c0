package io.livechannel.server;

import io.livechannel.hls.SegmenterLimits;
import io.livechannel.api.HttpLimits;
import io.livechannel.server.listener.ConnectionGate;
import io.livechannel.server.portsharing.ProtocolSniffer;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.rtmp.RtmpLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the server is started with, resolved from the command line, {@code LIVECHANNEL_*} environment
 * variables, a {@code --config} file and defaults, in that order of precedence.
 *
 * @param domains the server's own host names: requests to them are path-style, others virtual-hosted
 * @param accessKeyId {@code null} when the bootstrap key is to be loaded or generated in the data dir
 * @param s3 {@code null} for the filesystem object store under the data dir
 * @param fsync which objects the filesystem store forces to disk ({@code --fsync}); ignored with {@code s3}
 * @param directIo whether the filesystem store writes live output past the page cache ({@code --direct-io});
 *                 ignored with {@code s3}
 * @param metricsPort the Prometheus endpoint's port, {@link #METRICS_OFF} for none, 0 for any free port
 * @param transport the Netty transport of both listeners ({@code --transport})
 * @param rtmpReadBatch how much of each publisher's rate the kernel gathers before a read
 *                      ({@code --rtmp-read-batch-ms}); zero reads every message as it arrives
 * @param maxSegmentBytes the largest HLS segment ({@link SegmenterLimits#maxSegmentBytes()}); the write backlog is
 *                        sized from it ({@code --max-segment-bytes}, internal: tests make it small)
 * @param connections the caps and deadlines every accepted connection gets
 */
public record ServerConfig(Path dataDir, String bind, int httpPort, int rtmpPort, List<String> domains,
                           String accessKeyId, String accessKeySecret, String bucket, String bucketAcl,
                           S3Settings s3, FsyncPolicy fsync, DirectIo directIo, int metricsPort,
                           Transport transport, Duration rtmpReadBatch, long maxSegmentBytes,
                           Connections connections) {
    /** {@link #metricsPort} when no metrics endpoint is wanted (the default). */
    public static final int METRICS_OFF = -1;

    /** Which object store holds the segments and playlists ({@code --store}). */
    public enum StoreKind {
        FILESYSTEM, S3;
    }

    /** The S3-compatible store's connection ({@code --s3-*}); our bucket names map 1:1 to S3 bucket names. */
    public record S3Settings(String endpoint, String region, String accessKeyId, String secretAccessKey,
                             boolean pathStyle) {
        public S3Settings {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("--store s3 needs --s3-endpoint");
            }
            if (accessKeyId == null || secretAccessKey == null) {
                throw new IllegalArgumentException("--store s3 needs --s3-access-key-id and --s3-secret-access-key");
            }
            Objects.requireNonNull(region, "region");
        }

        @Override
        public String toString() {
            return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", accessKeyId=" + accessKeyId
                    + ", pathStyle=" + pathStyle + "]";
        }
    }

    /**
     * Connection caps over both listeners and the HTTP port's deadlines.
     *
     * @param maxConnections {@code --max-connections}: RTMP and HTTP connections together (lowered at start to what
     *     the file limit allows)
     * @param maxPerAddress {@code --max-connections-per-address}: from one client IP address
     * @param firstByteTimeout {@code --first-byte-timeout-ms}: the HTTP port closes a connection silent this long
     * @param requestHeadTimeout {@code --request-head-timeout-ms}: the time an HTTP connection has to send a
     *     complete request head once it may (also the idle keep-alive timeout)
     */
    public record Connections(int maxConnections, int maxPerAddress, Duration firstByteTimeout,
                              Duration requestHeadTimeout) {
        public static final Connections DEFAULTS = new Connections(ConnectionGate.DEFAULT_MAX_CONNECTIONS,
                ConnectionGate.DEFAULT_MAX_PER_ADDRESS, Duration.ofSeconds(ProtocolSniffer.DEFAULT_FIRST_BYTE_TIMEOUT_SECONDS),
                Duration.ofSeconds(HttpLimits.DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS));

        public Connections {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("--max-connections " + maxConnections + " must be at least 1");
            }
            if (maxPerAddress < 1) {
                throw new IllegalArgumentException("--max-connections-per-address " + maxPerAddress
                        + " must be at least 1");
            }
            positive("--first-byte-timeout-ms", firstByteTimeout);
            positive("--request-head-timeout-ms", requestHeadTimeout);
        }

        private static void positive(String option, Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " " + value.toMillis() + " must be positive");
            }
        }
    }

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(directIo, "directIo");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(rtmpReadBatch, "rtmpReadBatch");
        if (rtmpReadBatch.isNegative() || rtmpReadBatch.compareTo(RtmpLimits.MAX_READ_BATCH_HOLD) > 0) {
            throw new IllegalArgumentException("--rtmp-read-batch-ms " + rtmpReadBatch.toMillis() + " is not in [0, "
                    + RtmpLimits.MAX_READ_BATCH_HOLD.toMillis() + "]");
        }
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("at least one --domain is required");
        }
        checkPort("--http-port", httpPort);
        checkPort("--rtmp-port", rtmpPort);
        if (metricsPort != METRICS_OFF) {
            checkPort("--metrics-port", metricsPort);
        }
        if ((accessKeyId == null) != (accessKeySecret == null)) {
            throw new IllegalArgumentException("--access-key-id and --access-key-secret go together");
        }
        if (maxSegmentBytes < SegmenterLimits.MIN_MAX_SEGMENT_BYTES
                || maxSegmentBytes > SegmenterLimits.MAX_MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("--max-segment-bytes " + maxSegmentBytes + " is not in ["
                    + SegmenterLimits.MIN_MAX_SEGMENT_BYTES + ", " + SegmenterLimits.MAX_MAX_SEGMENT_BYTES + "]");
        }
    }

    /** A configuration with the packager's default largest segment. */
    public ServerConfig(Path dataDir, String bind, int httpPort, int rtmpPort, List<String> domains,
                        String accessKeyId, String accessKeySecret, String bucket, String bucketAcl,
                        S3Settings s3, FsyncPolicy fsync, DirectIo directIo, int metricsPort,
                        Transport transport, Duration rtmpReadBatch) {
        this(dataDir, bind, httpPort, rtmpPort, domains, accessKeyId, accessKeySecret, bucket, bucketAcl, s3, fsync,
                directIo, metricsPort, transport, rtmpReadBatch, SegmenterLimits.DEFAULT_MAX_SEGMENT_BYTES,
                Connections.DEFAULTS);
    }

    /** The packager's limits: the defaults with {@link #maxSegmentBytes}. */
    public SegmenterLimits segmenterLimits() {
        return SegmenterLimits.DEFAULTS.withMaxSegmentBytes(maxSegmentBytes);
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " " + port + " is not a TCP port (0..65535, 0 = any free)");
        }
    }

    /** The first domain: the one used to build URLs. */
    public String primaryDomain() {
        return domains.get(0);
    }

    @Override
    public String toString() {
        return "ServerConfig[dataDir=" + dataDir + ", bind=" + bind + ", httpPort=" + httpPort + ", rtmpPort="
                + rtmpPort + ", domains=" + domains + ", accessKeyId=" + accessKeyId + ", bucket=" + bucket
                + ", bucketAcl=" + bucketAcl + ", s3=" + s3 + ", fsync=" + fsync + ", directIo=" + directIo
                + ", metricsPort=" + metricsPort + ", transport=" + transport + ", rtmpReadBatch=" + rtmpReadBatch
                + ", maxSegmentBytes=" + maxSegmentBytes + ", connections=" + connections + "]";
    }
}
