package io.livechannel.server;

import io.livechannel.hls.SegmenterLimits;
import io.livechannel.api.HttpLimits;
import io.livechannel.server.listener.ConnectionGate;
import io.livechannel.server.portsharing.ProtocolSniffer;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.rtmp.RtmpLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the server is started with, resolved from the command line, {@code LIVECHANNEL_*} environment
 * variables, a {@code --config} file and defaults, in that order of precedence. Grouped by what reads it: the
 * listeners, the first start's key and bucket, the object store and the packager.
 *
 * @param metricsPort the Prometheus endpoint's port, {@link #METRICS_OFF} for none, 0 for any free port
 */
public record ServerConfig(Path dataDir, Network network, Bootstrap bootstrap, Store store, Ingest ingest,
                           int metricsPort, Catalog catalog) {
    /** {@link #metricsPort} when no metrics endpoint is wanted (the default). */
    public static final int METRICS_OFF = -1;

    /** The embedded catalog (SQLite in the data dir), as one process runs. */
    public ServerConfig(Path dataDir, Network network, Bootstrap bootstrap, Store store, Ingest ingest,
                        int metricsPort) {
        this(dataDir, network, bootstrap, store, ingest, metricsPort, Catalog.EMBEDDED);
    }

    /**
     * Where the catalog lives, and this node's name among those sharing it.
     *
     * @param jdbcUrl {@code null}: SQLite in the data dir (one process); a {@code jdbc:postgresql:} URL: the catalog
     *     shared by every node ({@code --catalog})
     * @param user {@code --catalog-user}, or null (the URL's, or the driver's default)
     * @param password {@code --catalog-password}, or null
     * @param nodeId {@code --node-id}: this node in logs and among the nodes sharing the catalog
     * @param sharedFilesystem {@code --shared-filesystem}: the filesystem store's data dir is on storage every node
     *     shares; required for the filesystem store with a shared catalog
     */
    public record Catalog(String jdbcUrl, String user, String password, String nodeId, boolean sharedFilesystem) {
        /** The default: SQLite, this process alone. */
        public static final Catalog EMBEDDED = new Catalog(null, null, null, "local", false);

        public Catalog {
            Objects.requireNonNull(nodeId, "nodeId");
            if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--catalog must be a jdbc:postgresql: URL (or absent for SQLite "
                        + "in --data-dir)");
            }
        }

        /** True for a catalog shared with other nodes (PostgreSQL). */
        public boolean shared() {
            return jdbcUrl != null;
        }

        @Override
        public String toString() {
            return "Catalog[" + (jdbcUrl == null ? "sqlite" : io.livechannel.storage.catalog.jdbc.JdbcMetadataStore.redacted(jdbcUrl)) + ", user=" + user
                    + ", nodeId=" + nodeId + ", sharedFilesystem=" + sharedFilesystem + "]";
        }
    }

    /**
     * Where and how both listeners accept connections.
     *
     * @param domains the server's own host names: requests to them are path-style, others virtual-hosted; the
     *     first builds URLs
     * @param transport the Netty transport of both listeners ({@code --transport})
     * @param connections the caps and deadlines every accepted connection gets
     * @param console whether the HTTP port serves the web console under {@code /_console/} ({@code --console})
     */
    public record Network(String bind, int httpPort, int rtmpPort, List<String> domains, Transport transport,
                          Connections connections, boolean console) {
        public Network {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(connections, "connections");
            domains = List.copyOf(domains);
            if (domains.isEmpty()) {
                throw new IllegalArgumentException("at least one --domain is required");
            }
            checkPort("--http-port", httpPort);
            checkPort("--rtmp-port", rtmpPort);
        }

        /** Both ports free ones picked at start, the default transport and connection limits, the console on. */
        public static Network anyPorts(String bind, String domain) {
            return new Network(bind, 0, 0, List.of(domain), Transport.AUTO, Connections.DEFAULTS, true);
        }

        /** The first domain: the one used to build URLs. */
        public String primaryDomain() {
            return domains.get(0);
        }
    }

    /**
     * What the first start creates: the access key and the default bucket.
     *
     * @param accessKeyId {@code null} when the bootstrap key is to be loaded or generated in the data dir
     */
    public record Bootstrap(String accessKeyId, String accessKeySecret, String bucket, String bucketAcl) {
        public Bootstrap {
            if ((accessKeyId == null) != (accessKeySecret == null)) {
                throw new IllegalArgumentException("--access-key-id and --access-key-secret go together");
            }
        }

        @Override
        public String toString() {
            return "Bootstrap[accessKeyId=" + accessKeyId + ", bucket=" + bucket + ", bucketAcl=" + bucketAcl + "]";
        }
    }

    /**
     * Where objects go.
     *
     * @param s3 {@code null} for the filesystem object store under the data dir
     * @param fsync which objects the filesystem store forces to disk ({@code --fsync}); ignored with {@code s3}
     * @param directIo whether the filesystem store writes live output past the page cache ({@code --direct-io});
     *     ignored with {@code s3}
     */
    public record Store(S3Settings s3, FsyncPolicy fsync, DirectIo directIo) {
        /** The filesystem store with the default policies. */
        public static final Store FILESYSTEM = new Store(null, FsyncPolicy.DEFAULT, DirectIo.DEFAULT);

        public Store {
            Objects.requireNonNull(fsync, "fsync");
            Objects.requireNonNull(directIo, "directIo");
        }
    }

    /**
     * How publishes are read and packaged.
     *
     * @param rtmpReadBatch how much of each publisher's rate the kernel gathers before a read
     *     ({@code --rtmp-read-batch-ms}); zero reads every message as it arrives
     * @param maxSegmentBytes the largest HLS segment ({@link SegmenterLimits#maxSegmentBytes()}); the write backlog
     *     is sized from it ({@code --max-segment-bytes}, internal: tests make it small)
     * @param snapshotWebhook where stored snapshots are announced, or {@code null} for nowhere
     */
    public record Ingest(Duration rtmpReadBatch, long maxSegmentBytes, SnapshotWebhook snapshotWebhook) {
        public static final Ingest DEFAULTS = new Ingest(RtmpLimits.DEFAULT_READ_BATCH_HOLD,
                SegmenterLimits.DEFAULT_MAX_SEGMENT_BYTES);

        /** Without a snapshot webhook. */
        public Ingest(Duration rtmpReadBatch, long maxSegmentBytes) {
            this(rtmpReadBatch, maxSegmentBytes, null);
        }

        public Ingest {
            Objects.requireNonNull(rtmpReadBatch, "rtmpReadBatch");
            if (rtmpReadBatch.isNegative() || rtmpReadBatch.compareTo(RtmpLimits.MAX_READ_BATCH_HOLD) > 0) {
                throw new IllegalArgumentException("--rtmp-read-batch-ms " + rtmpReadBatch.toMillis()
                        + " is not in [0, " + RtmpLimits.MAX_READ_BATCH_HOLD.toMillis() + "]");
            }
            if (maxSegmentBytes < SegmenterLimits.MIN_MAX_SEGMENT_BYTES
                    || maxSegmentBytes > SegmenterLimits.MAX_MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("--max-segment-bytes " + maxSegmentBytes + " is not in ["
                        + SegmenterLimits.MIN_MAX_SEGMENT_BYTES + ", " + SegmenterLimits.MAX_MAX_SEGMENT_BYTES + "]");
            }
        }

        /** The packager's limits: the defaults with {@link #maxSegmentBytes}. */
        public SegmenterLimits segmenterLimits() {
            return SegmenterLimits.DEFAULTS.withMaxSegmentBytes(maxSegmentBytes);
        }
    }

    /**
     * {@code --snapshot-webhook} and {@code --snapshot-webhook-secret}: every stored snapshot is POSTed to
     * {@code url}, signed with HMAC-SHA256 keyed with {@code secret}.
     */
    public record SnapshotWebhook(URI url, String secret) {
        public SnapshotWebhook {
            Objects.requireNonNull(url, "url");
            if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())
                    || url.getHost() == null) {
                throw new IllegalArgumentException("--snapshot-webhook " + url + " is not an http:// or https:// URL");
            }
            if (secret == null || secret.length() < io.livechannel.server.snapshot.SnapshotWebhook.MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("--snapshot-webhook needs --snapshot-webhook-secret of at least "
                        + io.livechannel.server.snapshot.SnapshotWebhook.MIN_SECRET_LENGTH + " characters");
            }
        }

        @Override
        public String toString() {
            return "SnapshotWebhook[url=" + url + "]";
        }
    }

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
     * @param maxPerAddress {@code --max-connections-per-address}: from one client IP address, or
     *     {@link ConnectionGate#NO_ADDRESS_CAP}
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
            if (maxPerAddress < ConnectionGate.NO_ADDRESS_CAP) {
                throw new IllegalArgumentException("--max-connections-per-address " + maxPerAddress
                        + " must be at least 1, or 0 for no cap");
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
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(catalog, "catalog");
        if (metricsPort != METRICS_OFF) {
            checkPort("--metrics-port", metricsPort);
        }
        if (catalog.shared() && store.s3() == null && !catalog.sharedFilesystem()) {
            throw new IllegalArgumentException("--catalog on PostgreSQL with --store filesystem: every node would "
                    + "keep its objects in its own --data-dir, and the others could not serve them. Use --store s3, "
                    + "or add --shared-filesystem if --data-dir is on storage all nodes share (NFS, CephFS)");
        }
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " " + port + " is not a TCP port (0..65535, 0 = any free)");
        }
    }
}
