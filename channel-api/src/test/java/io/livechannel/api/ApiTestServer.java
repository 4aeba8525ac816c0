package io.livechannel.api;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.cache.CachingMetadataStore;
import io.livechannel.storage.cache.CachingObjectStore;
import io.livechannel.storage.cache.MemoryOnlyStores;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The API on a real Netty listener (127.0.0.1, free port) over the real stores: {@link FileSystemObjectStore}
 * and SQLite {@link JdbcMetadataStore} in a temp dir, behind the caches the server uses (so object reads repeated
 * by a test are answered on the event loop, as in production). One bucket {@value #BUCKET} (private) and one key
 * {@value #ACCESS_KEY_ID} exist from the start.
 */
public final class ApiTestServer implements AutoCloseable {
    public static final String ACCESS_KEY_ID = "LTAIexampleAK";
    public static final String ACCESS_KEY_SECRET = "exampleSecretKey123";
    public static final String BUCKET = "examplebucket";
    public static final String DOMAIN = "oss.lc.test";

    public final ObjectStore objects;
    public final MetadataStore metadata;
    public final FakeLiveSessions live = new FakeLiveSessions();
    public final ApiChannelInitializer api;
    private final ExecutorService storage = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "storage-io");
        t.setDaemon(true);
        return t;
    });
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel listener;

    public ApiTestServer(Path dir, Clock clock) throws Exception {
        this(dir, clock, HttpLimits.DEFAULTS);
    }

    /** Why the server's snapshots are off, as GetLiveChannelStat reports it; {@code null}: they are on. */
    public volatile String snapshotsOff;

    public ApiTestServer(Path dir, Clock clock, HttpLimits limits) throws Exception {
        this(dir, clock, limits, UnaryOperator.identity());
    }

    /** @param faults wraps the filesystem store, to inject failures that cannot be caused here (a full disk) */
    public ApiTestServer(Path dir, Clock clock, HttpLimits limits, UnaryOperator<ObjectStore> faults)
            throws Exception {
        CachingObjectStore cachedObjects =
                new CachingObjectStore(faults.apply(new FileSystemObjectStore(dir.resolve("objects"), clock)));
        CachingMetadataStore cachedMetadata =
                new CachingMetadataStore(JdbcMetadataStore.openSqlite(dir.resolve("catalog.db")));
        objects = cachedObjects;
        metadata = cachedMetadata;
        metadata.accessKeys().put(new AccessKey(ACCESS_KEY_ID, ACCESS_KEY_SECRET));
        objects.createBucket(BUCKET);
        metadata.buckets().create(new Bucket(BUCKET, BucketAcl.PRIVATE, clock.instant(), List.of()));
        api = new ApiChannelInitializer(ApiConfig.builder().domains(List.of(DOMAIN))
                .stores(objects, metadata).storageExecutor(storage).liveSessions(live).clock(clock).limits(limits)
                .memoryOnly(MemoryOnlyStores.of(cachedObjects, cachedMetadata))
                .snapshotsOff(() -> Optional.ofNullable(snapshotsOff)).build());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        api.addHandlers(ch.pipeline());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() throws Exception {
        listener.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        storage.shutdown();
        storage.awaitTermination(5, TimeUnit.SECONDS);
        metadata.close();
        objects.close();
    }
}
