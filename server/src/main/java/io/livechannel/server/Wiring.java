package io.livechannel.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.livechannel.api.ApiChannelInitializer;
import io.livechannel.api.ApiConfig;
import io.livechannel.api.HttpLimits;
import io.livechannel.rtmp.RtmpChannelInitializer;
import io.livechannel.rtmp.RtmpConfig;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.server.console.ConsoleSite;
import io.livechannel.server.ingest.CatalogPushAuthorizer;
import io.livechannel.server.ingest.ChannelLeases;
import io.livechannel.server.ingest.HlsPublishListener;
import io.livechannel.server.ingest.PlaylistCountersCache;
import io.livechannel.server.ingest.RegistryLiveSessions;
import io.livechannel.server.metrics.MetricsEndpoint;
import io.livechannel.server.listener.ConnectionGate;
import io.livechannel.server.metrics.ServerMetrics;
import io.livechannel.server.portsharing.ProtocolSniffer;
import io.livechannel.server.snapshot.SnapshotWebhook;
import io.livechannel.server.snapshot.Snapshots;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.NettyRuntime;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the running server from a {@link ServerConfig}: storage ({@link Storage}), the publisher registry, the
 * HTTP listener (which also accepts RTMP, see {@link ProtocolSniffer}) and the RTMP listener. The only class that
 * knows every module.
 *
 * <p>Threads: one acceptor thread and one event-loop thread per core ({@link NettyRuntime#availableProcessors()};
 * Netty's {@code -Dio.netty.eventLoopThreads} still overrides it), shared by HTTP and RTMP connections; the
 * storage threads are {@link Storage}'s. One loop per core rather than Netty's default of two: under RTMP load
 * every loop wakes once per arriving message, and two loops per core only added context switches.
 *
 * <p>Shutdown ({@link #close}): stop accepting; end every publish normally so each packager finishes its last
 * segment and playlist; drain the write queue; then close connections, executors and stores.
 */
public final class Wiring implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wiring.class);
    /** How long shutdown waits for live publishes to end and for their last writes to be stored. */
    static final Duration SHUTDOWN_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SHUTDOWN_WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final RtmpLimits RTMP_LIMITS = RtmpLimits.defaults();
    /**
     * Publish leases on a shared catalog: renewed every second, expiring 5 s after the last renewal, so another
     * node takes a dead node's channels 5 to 6 s after its last heartbeat; the node itself stops storing playlists
     * 1 s before its lease could expire. The margin must stay above the object cache's
     * {@link io.livechannel.storage.cache.CachingObjectStore#SHARED_MAX_AGE}, so that a node's cached copy of its
     * last playlist is gone before another node can take the channel.
     */
    static final Duration LEASE_TTL = Duration.ofSeconds(5);
    static final Duration LEASE_MARGIN = Duration.ofSeconds(1);
    static final Duration LEASE_HEARTBEAT = Duration.ofSeconds(1);

    private final ServerConfig config;
    private final BootstrapCredentials.Result credentials;
    private final Clock clock = Clock.systemUTC();
    /** {@link Transport#EPOLL} or {@link Transport#NIO}. */
    private final Transport transport;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final PublisherRegistry registry = new PublisherRegistry();
    private final ConnectionGate gate;
    private ApiChannelInitializer api;
    private Storage storage;
    private Snapshots snapshots;
    private ChannelLeases leases;
    private HlsPublishListener publishes;
    private Channel httpChannel;
    private Channel rtmpChannel;
    /** Prometheus with {@code --metrics-port}, else an empty composite on which every meter is a no-op. */
    private final MeterRegistry meters;
    private ServerMetrics metrics;
    private MetricsEndpoint metricsEndpoint;
    private boolean closed;

    private Wiring(ServerConfig config, BootstrapCredentials.Result credentials) {
        this.config = config;
        this.credentials = credentials;
        this.gate = connectionGate(config.network().connections(), clock);
        this.meters = config.metricsPort() == ServerConfig.METRICS_OFF ? new CompositeMeterRegistry()
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.transport = config.network().transport().resolve();
        this.acceptGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        this.ioGroup = new MultiThreadIoEventLoopGroup(
                Integer.getInteger("io.netty.eventLoopThreads", NettyRuntime.availableProcessors()),
                transport.ioHandlerFactory());
    }

    /**
     * Creates the data dir, storage and bootstrap key/bucket when missing, then binds both listeners. A shared
     * catalog is opened first, so that an unreachable database stops the start before anything is created.
     */
    public static Wiring start(ServerConfig config, SecureRandom random) throws IOException, InterruptedException {
        JdbcMetadataStore sharedCatalog = config.catalog().shared() ? Storage.openCatalog(config) : null;
        Wiring wiring;
        try {
            Files.createDirectories(config.dataDir());
            wiring = new Wiring(config, BootstrapCredentials.resolve(config, random));
        } catch (IOException | RuntimeException e) {
            if (sharedCatalog != null) {
                sharedCatalog.close();
            }
            throw e;
        }
        try {
            JdbcMetadataStore catalog = sharedCatalog != null ? sharedCatalog : Storage.openCatalog(config);
            wiring.storage = Storage.open(config, catalog, wiring.clock, wiring.meters);
            wiring.storage.bootstrap(config, wiring.credentials.id(), wiring.credentials.secret());
            wiring.storage.recoverAfterUncleanStop();
            wiring.startLeases();
            wiring.bind();
            wiring.startMetrics();
        } catch (IOException | InterruptedException | RuntimeException e) {
            wiring.close();
            throw e;
        }
        return wiring;
    }

    /**
     * This node's publish leases. On the single-node catalog every lease left is the previous run's (whose
     * publishes {@link Storage#recoverAfterUncleanStop} ended), so all are released; on a shared catalog those held
     * under this node's id are a previous run's of this node, expired so that they are taken over (and their
     * channels recovered) at once.
     */
    private void startLeases() {
        boolean shared = config.catalog().shared();
        ChannelLeases.Settings settings = new ChannelLeases.Settings(config.catalog().nodeId(), shared, LEASE_TTL,
                LEASE_MARGIN, RTMP_LIMITS.idlePublisherTimeout());
        leases = new ChannelLeases(settings, storage.metadata(), storage.objects(), registry,
                storage.catalogExecutor(), clock);
        int left = shared ? storage.metadata().leases().expireAllOf(settings.nodeId())
                : storage.metadata().leases().releaseAll();
        if (left > 0) {
            log.info("{} {} publish leases of the previous run", shared ? "expired" : "released", left);
        }
        leases.start(LEASE_HEARTBEAT);
    }

    private void bind() throws IOException, InterruptedException {
        PlaylistCountersCache counters = new PlaylistCountersCache();
        ServerConfig.SnapshotWebhook hook = config.ingest().snapshotWebhook();
        snapshots = Snapshots.start(storage.objects(), clock, meters,
                hook == null ? null : new SnapshotWebhook(hook.url(), hook.secret(), clock, meters));
        Set<String> ownHosts = new HashSet<>(config.network().domains());
        publishes = new HlsPublishListener(storage.writes(), storage.metadata(), storage.catalogUpdates(),
                storage.catalogExecutor(), counters, clock, meters, config.ingest().segmenterLimits(), leases,
                snapshots);
        RtmpChannelInitializer rtmp = new RtmpChannelInitializer(new RtmpConfig(
                RTMP_LIMITS.withReadBatchHold(config.ingest().rtmpReadBatch()),
                new CatalogPushAuthorizer(storage.metadata(), storage.catalogExecutor(), new PushSignature(clock),
                        counters, leases, snapshots),
                publishes, registry, ownHosts, clock));
        ServerConfig.Connections connections = config.network().connections();
        api = new ApiChannelInitializer(ApiConfig.builder()
                .domains(config.network().domains()).rtmpPort(config.network().rtmpPort())
                .stores(storage.objects(), storage.metadata()).storageExecutor(storage.catalogExecutor())
                .liveSessions(new RegistryLiveSessions(registry, leases)).clock(clock)
                .limits(HttpLimits.DEFAULTS.withRequestHeadTimeout(connections.requestHeadTimeout()))
                .memoryOnly(storage.memoryOnly()).snapshotsOff(snapshots::offReason)
                .staticPages(config.network().console() ? ConsoleSite.load() : null).build());
        httpChannel = listen(config.network().httpPort(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (gate.admit(ch)) {
                    ch.pipeline().addLast("sniffer", new ProtocolSniffer(api::addHandlers, rtmp::addHandlers,
                            connections.firstByteTimeout()));
                }
            }
        });
        log.info("HTTP API listening on {}:{} (RTMP accepted here too)", config.network().bind(), httpPort());
        rtmpChannel = listen(config.network().rtmpPort(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (gate.admit(ch)) {
                    rtmp.addHandlers(ch.pipeline());
                }
            }
        });
        log.info("RTMP ingest listening on {}:{}", config.network().bind(), rtmpPort());
        logTransport(rtmp.readBatchingEnabled());
    }

    /**
     * The caps of {@code connections}, the total lowered to what this process's open-file limit can serve; logged
     * once (INFO: lowering the total is the intended behaviour, and the line says how to raise it).
     */
    private static ConnectionGate connectionGate(ServerConfig.Connections connections, Clock clock) {
        int max = connections.maxConnections();
        String lowered = "";
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long fileLimit = unix.getMaxFileDescriptorCount();
            int fit = ConnectionGate.fitToFileLimit(max, fileLimit);
            if (fit < max) {
                lowered = " (--max-connections " + max + " lowered to fit the open-file limit of " + fileLimit
                        + "; ulimit -n or systemd's LimitNOFILE raises it)";
                max = fit;
            }
        }
        ConnectionGate gate = new ConnectionGate(max, Math.min(max, connections.maxPerAddress()), clock);
        log.info("connections: at most {} in all{}, {} per client address", gate.maxConnections(), lowered,
                gate.maxPerAddress() == ConnectionGate.NO_ADDRESS_CAP ? "no cap" : "at most " + gate.maxPerAddress());
        return gate;
    }

    private void logTransport(boolean batchingPossible) {
        String batching = transport != Transport.EPOLL ? "off (needs epoll)"
                : batchingPossible ? config.ingest().rtmpReadBatch().toMillis() + " ms of each publisher's rate" : "off";
        String name = transport.name().toLowerCase(Locale.ROOT);
        if (transport == Transport.NIO && config.network().transport() == Transport.AUTO) {
            name += " (native epoll does not load: " + Transport.epollUnavailableReason() + ")";
        }
        log.info("network transport: {}; RTMP read batching: {}", name, batching);
        // segments in flight are direct memory, which the JVM caps at the heap's maximum unless told otherwise
        log.info("memory: heap at most {} MiB, buffers (segments in flight) at most {} MiB; -Xmx and "
                + "-XX:MaxDirectMemorySize set them (docs/operations.md, \"Memory\")",
                Runtime.getRuntime().maxMemory() >> 20, PlatformDependent.maxDirectMemory() >> 20);
    }

    private void startMetrics() throws IOException {
        if (meters instanceof PrometheusMeterRegistry prometheus) {
            metrics = ServerMetrics.bind(prometheus, storage.writes(), storage.catalogUpdates(), registry);
            ServerMetrics.bindListeners(prometheus, gate, api);
            metricsEndpoint = MetricsEndpoint.start(config.network().bind(), config.metricsPort(), prometheus);
        }
    }

    private Channel listen(int port, ChannelInitializer<SocketChannel> initializer)
            throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        var future = bootstrap.bind(new InetSocketAddress(config.network().bind(), port)).await();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + config.network().bind() + ":" + port + ": "
                    + future.cause().getMessage(), future.cause());
        }
        return future.channel();
    }

    /** The HTTP port actually bound (differs from the config when that asked for 0). */
    public int httpPort() {
        return ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    public int rtmpPort() {
        return ((InetSocketAddress) rtmpChannel.localAddress()).getPort();
    }

    /**
     * What a user needs next, printed once on start and ended by an empty line; the secret appears only when it
     * was just generated.
     */
    public String startupBanner(String version) {
        String host = config.network().primaryDomain();
        StringBuilder sb = new StringBuilder();
        sb.append("livechannel ").append(version).append(" is running\n");
        sb.append("  HTTP API     http://").append(host).append(':').append(httpPort()).append('\n');
        sb.append("  RTMP ingest  rtmp://").append(host).append(':').append(rtmpPort())
                .append("/live/<channel>   (also on port ").append(httpPort()).append(")\n");
        if (config.network().console()) {
            sb.append("  console      http://").append(host).append(':').append(httpPort()).append('/')
                    .append(ConsoleSite.PATH_SEGMENT).append("/   (sign in with the key below)\n");
        }
        sb.append("  storage      ").append(storage.describe()).append('\n');
        if (config.catalog().shared()) {
            sb.append("  catalog      PostgreSQL ").append(JdbcMetadataStore.redacted(config.catalog().jdbcUrl()))
                    .append(" (node ").append(config.catalog().nodeId()).append(")\n");
        }
        if (metricsEndpoint != null) {
            sb.append("  metrics      http://").append(host).append(':').append(metricsEndpoint.port())
                    .append("/metrics\n");
        }
        // the catalog's ACL, not the flag: --bucket-acl applies only when the bucket is created
        BucketAcl acl = storage.metadata().buckets().find(config.bootstrap().bucket()).map(Bucket::acl).orElse(BucketAcl.PRIVATE);
        sb.append("  bucket       ").append(config.bootstrap().bucket()).append(" (").append(acl.wireValue()).append(")\n");
        sb.append("  access key   ").append(credentials.id()).append('\n');
        if (credentials.generated()) {
            sb.append("  secret       ").append(credentials.secret())
                    .append("   (generated now, shown once; kept in ")
                    .append(config.dataDir().resolve(BootstrapCredentials.FILE_NAME)).append(")\n");
        }
        String catalogArgs = config.catalog().shared()
                ? "--catalog <the --catalog URL> --access-key-id <id> --access-key-secret <secret>"
                : "--data-dir " + config.dataDir();
        sb.append("  push URL     java -jar livechannel-server.jar push-url <channel> ").append(catalogArgs)
                .append("   (creates the channel, prints the push and play URLs)\n");
        sb.append("  play URL     http://").append(host).append(':').append(httpPort()).append('/')
                .append(config.bootstrap().bucket()).append("/<channel>/playlist.m3u8");
        sb.append(acl == BucketAcl.PRIVATE ? "?x-oss-process=hls/sign&<signature>   (private bucket: push-url prints "
                + "it signed, valid as long as the push URL)\n" : "\n");
        return sb.append('\n').toString();
    }

    /** Stops accepting, finishes live publishes and their writes, then releases everything; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        closeListener(httpChannel);
        closeListener(rtmpChannel);
        endLivePublishes();
        if (snapshots != null) {
            snapshots.close(); // takes the last publishes' queued snapshots before the store closes
        }
        if (storage != null) {
            storage.drainWrites(SHUTDOWN_WRITE_TIMEOUT);
            awaitPushRecords();
            releaseLeases();
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        ioGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        if (storage != null) {
            storage.close();
        }
        log.info("stopped");
    }

    /**
     * Waits for the ended publishes' push records: each is queued only once the publish's last writes are stored,
     * so after the write queue drained, and the catalog refuses updates once it closes.
     */
    private void awaitPushRecords() {
        if (publishes == null) {
            return;
        }
        try {
            publishes.endsRecorded().get(SHUTDOWN_PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.error("push records of the ended publishes not committed before the catalog closes: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Releases this node's leases once the live path's last catalog updates are committed. */
    private void releaseLeases() {
        if (leases == null) {
            return;
        }
        try { // updates commit in order: once this no-op is committed, so is everything queued before it
            storage.catalogUpdates().submit("flush before releasing leases", m -> { })
                    .get(SHUTDOWN_PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("catalog updates not committed before the leases are released: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leases.close();
    }

    private static void closeListener(Channel listener) {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
    }

    private void endLivePublishes() {
        int live = registry.liveCount();
        if (live == 0) {
            registry.closeAll();
            return;
        }
        log.info("ending {} live publishes", live);
        try {
            registry.closeAll().get(SHUTDOWN_PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.error("live publishes did not end within {}; their last segments may be missing",
                    SHUTDOWN_PUBLISH_TIMEOUT);
        } catch (ExecutionException e) {
            log.error("ending live publishes failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
