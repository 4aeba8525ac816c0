package io.livechannel.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.livechannel.hls.SegmenterLimits;
import io.livechannel.api.HttpLimits;
import io.livechannel.server.cli.CatalogOptions;
import io.livechannel.server.cli.PushUrlCommand;
import io.livechannel.server.listener.ConnectionGate;
import io.livechannel.server.portsharing.ProtocolSniffer;
import io.livechannel.storage.catalog.CatalogUnavailableException;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar livechannel-server.jar [options]}: runs the whole service until SIGTERM or Ctrl-C.
 * Every option can also come from {@code LIVECHANNEL_<NAME>} or the {@code --config} file
 * ({@link ConfigDefaults}).
 */
@Command(name = "livechannel-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = PushUrlCommand.class,
        description = "Self-hosted OSS LiveChannel: RTMP in, HLS out, an OSS-compatible HTTP API.%n"
                + "Each option may also be set by the environment variable LIVECHANNEL_<NAME> "
                + "(e.g. LIVECHANNEL_HTTP_PORT) or by <name>=<value> in the --config file.")
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    /** The exit code when the PostgreSQL catalog cannot be reached at start (1 is any other failure, 2 usage). */
    static final int EXIT_CATALOG_UNREACHABLE = 3;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with option=value lines")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data",
            description = "where objects, metadata and the generated key live (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080",
            description = "HTTP API port; RTMP is accepted here too (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--rtmp-port", paramLabel = "N", defaultValue = "1935",
            description = "RTMP ingest port (default: ${DEFAULT-VALUE})")
    int rtmpPort;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--domain", paramLabel = "NAME", split = ",", defaultValue = "localhost",
            description = "the server's own host name(s), comma-separated; the first builds URLs "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> domains;

    @Option(names = "--access-key-id", paramLabel = "ID",
            description = "bootstrap access key id (default: generated on first start)")
    String accessKeyId;

    @Option(names = "--access-key-secret", paramLabel = "SECRET", description = "bootstrap access key secret")
    String accessKeySecret;

    @Option(names = "--bucket", paramLabel = "NAME", defaultValue = "live",
            description = "default bucket, created on first start (default: ${DEFAULT-VALUE})")
    String bucket;

    @Option(names = "--bucket-acl", paramLabel = "ACL", defaultValue = "private",
            description = "ACL of the default bucket when created: private, public-read, public-read-write "
                    + "(default: ${DEFAULT-VALUE})")
    String bucketAcl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", paramLabel = "KIND", defaultValue = "filesystem",
            description = "object storage: filesystem (under --data-dir) or s3 (default: ${DEFAULT-VALUE})")
    ServerConfig.StoreKind store;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint, e.g. http://127.0.0.1:9000")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "S3 region (default: ${DEFAULT-VALUE})")
    String s3Region;

    @Option(names = "--s3-access-key-id", paramLabel = "ID", description = "S3 access key id")
    String s3AccessKeyId;

    @Option(names = "--s3-secret-access-key", paramLabel = "SECRET", description = "S3 secret access key")
    String s3SecretAccessKey;

    @Option(names = "--s3-path-style", paramLabel = "BOOL", defaultValue = "true", arity = "1",
            description = "path-style S3 requests (default: ${DEFAULT-VALUE})")
    boolean s3PathStyle;

    @CommandLine.Mixin
    CatalogOptions catalog;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "this node's name in logs and among the nodes sharing a catalog (default: host name:HTTP port)")
    String nodeId;

    @Option(names = "--shared-filesystem", paramLabel = "BOOL", defaultValue = "false", arity = "0..1",
            description = "with --catalog and --store filesystem: --data-dir is on storage every node shares "
                    + "(default: ${DEFAULT-VALUE})")
    boolean sharedFilesystem;

    @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "uploads",
            description = "filesystem store: which objects are forced to disk before a write is acknowledged: "
                    + "always, uploads (API uploads and deletes, not live segments/playlists), never; every policy "
                    + "survives a killed process, they differ after a power loss (default: ${DEFAULT-VALUE})")
    FsyncPolicy fsync;

    @Option(names = "--direct-io", paramLabel = "MODE", defaultValue = "auto",
            description = "filesystem store: auto writes live output of one block to 4 MiB (segments) with "
                    + "O_DIRECT, past the page cache, when the file system takes it (less CPU, no writeback stalls; "
                    + "a segment's first read comes from the disk; a write not done within 20 ms goes through the "
                    + "page cache), never writes it all through the page cache (default: ${DEFAULT-VALUE})")
    DirectIo directIo;

    @Option(names = "--transport", paramLabel = "KIND", defaultValue = "auto",
            description = "network transport: auto uses native epoll where it loads (Linux on x86-64 and arm64), "
                    + "else nio; epoll or nio force one (default: ${DEFAULT-VALUE})")
    Transport transport;

    @Option(names = "--rtmp-read-batch-ms", paramLabel = "MS", defaultValue = "100",
            description = "with epoll, the kernel gathers about this many ms of each publisher's own rate before a "
                    + "read (fewer wakeups per message; a keyframe is read at once); 0 reads every message as it "
                    + "arrives; at most 500 (default: ${DEFAULT-VALUE})")
    long rtmpReadBatchMillis;

    /** Internal: tests set a small value to reach the size cut within seconds; operators keep the default. */
    @Option(names = "--max-segment-bytes", paramLabel = "N", hidden = true,
            defaultValue = "" + SegmenterLimits.DEFAULT_MAX_SEGMENT_BYTES,
            description = "largest HLS segment in bytes; the write backlog is sized from it")
    long maxSegmentBytes;
    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ConnectionGate.DEFAULT_MAX_CONNECTIONS,
            description = "connections open at once, RTMP and HTTP together; past it a new connection is closed at "
                    + "once; lowered at start to what the open-file limit (ulimit -n) allows (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "" + ConnectionGate.DEFAULT_MAX_PER_ADDRESS,
            description = "connections open at once from one client IP address; 0 = no cap, the default, since "
                    + "behind a load balancer, CDN or NAT all clients share an address (default: ${DEFAULT-VALUE})")
    int maxConnectionsPerAddress;

    @Option(names = "--first-byte-timeout-ms", paramLabel = "MS",
            defaultValue = "" + ProtocolSniffer.DEFAULT_FIRST_BYTE_TIMEOUT_SECONDS * 1000,
            description = "the HTTP port closes a connection that sends nothing for this long (default: ${DEFAULT-VALUE})")
    long firstByteTimeoutMillis;

    @Option(names = "--request-head-timeout-ms", paramLabel = "MS",
            defaultValue = "" + HttpLimits.DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS * 1000,
            description = "an HTTP connection that has not sent a complete request head this long after connecting or "
                    + "after its last answer is closed (slow senders, idle keep-alive) (default: ${DEFAULT-VALUE})")
    long requestHeadTimeoutMillis;

    @Option(names = "--console", paramLabel = "BOOL", defaultValue = "true", arity = "1",
            description = "serve the web console at http://<host>:<http-port>/_console/ (default: ${DEFAULT-VALUE})")
    boolean console;

    @Option(names = "--snapshot-webhook", paramLabel = "URL",
            description = "POST a signed JSON notice of every stored snapshot to this URL (default: none)")
    URI snapshotWebhook;

    @Option(names = "--snapshot-webhook-secret", paramLabel = "SECRET",
            description = "HMAC-SHA256 key of the X-LiveChannel-Signature header, at least 16 characters")
    String snapshotWebhookSecret;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "-1",
            description = "serve Prometheus metrics at http://<bind>:N/metrics (default: off)")
    int metricsPort;

    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Main(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        ResourceLeakDetector.Level leakDetection = leakDetectionLevel(System.getProperties());
        if (leakDetection != null) {
            ResourceLeakDetector.setLevel(leakDetection);
        }
        System.exit(run(args, System.getenv(), System.out));
    }

    /**
     * The server's Netty leak detection: off unless {@code -Dio.netty.leakDetection.level} (or Netty's older
     * {@code io.netty.leakDetectionLevel}) says otherwise; null when the property decides. Netty's default level,
     * {@code SIMPLE}, records a stack trace for one buffer in 128 and wraps it: 2-3 % of the event loops' CPU at
     * 500 publishers (docs/benchmarks.md). The test suites run the server and every module at {@code paranoid},
     * which tracks every buffer; a suspected leak in production is chased with
     * {@code -Dio.netty.leakDetection.level=simple}.
     */
    static ResourceLeakDetector.Level leakDetectionLevel(Properties systemProperties) {
        boolean chosen = systemProperties.getProperty("io.netty.leakDetection.level") != null
                || systemProperties.getProperty("io.netty.leakDetectionLevel") != null;
        return chosen ? null : ResourceLeakDetector.Level.DISABLED;
    }

    /** Parses the command line and runs it; returns the process exit code. */
    static int run(String[] args, Map<String, String> environment, PrintStream out) {
        CommandLine commandLine = commandLine(new Main(out));
        try {
            commandLine.setDefaultValueProvider(ConfigDefaults.from(args, environment));
        } catch (IOException e) {
            commandLine.getErr().println("cannot read the --config file: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        return commandLine.execute(args);
    }

    /** The command line for {@code main}, configured as the jar runs it. */
    static CommandLine commandLine(Main main) {
        return new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true);
    }

    ServerConfig config() {
        ServerConfig.S3Settings s3 = store == ServerConfig.StoreKind.S3
                ? new ServerConfig.S3Settings(s3Endpoint, s3Region, s3AccessKeyId, s3SecretAccessKey, s3PathStyle)
                : null;
        var connections = new ServerConfig.Connections(maxConnections, maxConnectionsPerAddress,
                Duration.ofMillis(firstByteTimeoutMillis), Duration.ofMillis(requestHeadTimeoutMillis));
        return new ServerConfig(dataDir,
                new ServerConfig.Network(bind, httpPort, rtmpPort, domains, transport, connections, console),
                new ServerConfig.Bootstrap(accessKeyId, accessKeySecret, bucket, bucketAcl),
                new ServerConfig.Store(s3, fsync, directIo),
                new ServerConfig.Ingest(Duration.ofMillis(rtmpReadBatchMillis), maxSegmentBytes, snapshotWebhook == null
                        ? null : new ServerConfig.SnapshotWebhook(snapshotWebhook, snapshotWebhookSecret)),
                metricsPort, catalogConfig());
    }

    private ServerConfig.Catalog catalogConfig() {
        String id = nodeId != null ? nodeId : hostName() + ":" + httpPort;
        return catalog.url() == null ? new ServerConfig.Catalog(null, null, null, id, false)
                : new ServerConfig.Catalog(catalog.url(), catalog.user(), catalog.password(), id, sharedFilesystem);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = config();
            config.network().transport().resolve();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Wiring wiring;
        try {
            wiring = Wiring.start(config, new SecureRandom());
        } catch (CatalogUnavailableException e) {
            log.error("{}", e.getMessage());
            return EXIT_CATALOG_UNREACHABLE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            wiring.close();
            stopped.countDown();
        }, "shutdown"));
        out.print(wiring.startupBanner(Version.string()));
        out.flush();
        stopped.await();
        return 0;
    }

    /** The version from the jar's build ({@code version.properties}, filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        static String string() {
            try (InputStream in = Main.class.getResourceAsStream("/io/livechannel/server/version.properties")) {
                Properties properties = new Properties();
                if (in != null) {
                    properties.load(in);
                }
                return properties.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        @Override
        public String[] getVersion() {
            return new String[] {"livechannel " + string()};
        }
    }
}
