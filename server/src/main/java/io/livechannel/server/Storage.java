package io.livechannel.server;

import io.livechannel.server.ingest.ChannelLeases;
import io.livechannel.server.ingest.UncleanStopRecovery;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.cache.CachingMetadataStore;
import io.livechannel.storage.cache.CachingObjectStore;
import io.livechannel.storage.cache.MemoryOnlyStores;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.storage.s3.S3ObjectStore;
import io.livechannel.storage.s3.S3StoreConfig;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.storage.write.QueuedObjects;
import io.livechannel.storage.write.WriteQueueConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's storage side and the threads that may block on it. Layout under the data dir:
 * {@code objects/} (filesystem store: one directory per bucket), {@code catalog.db} (SQLite metadata),
 * {@code spool/} (S3 store only: writes waiting for the store to come back).
 *
 * <p>Both stores are used through their caches ({@link CachingObjectStore}: small objects such as live playlists;
 * {@link CachingMetadataStore}: buckets and access keys), whose {@link #memoryOnly() memory-only views} let the
 * API answer playlist GETs on the event loop. The write queue publishes the write heading each lane in a
 * {@link QueuedObjects} that the object cache reads first: a live playlist is readable as soon as the segments it
 * lists are stored, without waiting for its own write; once stored, it stays in the cache (write-through). Every writer in this process (API, write queue, push admission)
 * goes through the caches, which keeps them coherent; nothing else may write the catalog or the store.
 *
 * <table>
 *   <caption>executors</caption>
 *   <tr><td>{@code storage-write-N}</td><td>{@value #WRITE_THREADS} threads; {@value #WAITING_WRITE_THREADS} with
 *   {@code --fsync always} or the S3 store</td><td>the write queue's lanes; at most one task per channel, so its
 *   queue is bounded by the number of channels. A put to the filesystem without fsync is a copy into the page
 *   cache (CPU-bound: a few threads per core are enough); a put that fsyncs or goes over the network mostly
 *   waits, and concurrent fsyncs share journal commits, so those get more threads</td></tr>
 *   <tr><td>{@code catalog-N}</td><td>{@value #CATALOG_THREADS} threads, queue of {@value #CATALOG_QUEUE}</td>
 *   <td>API requests, push authorization, history; a full queue is refused (the API answers 503)</td></tr>
 * </table>
 */
final class Storage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Storage.class);
    static final int WRITE_THREADS = 4;
    static final int WAITING_WRITE_THREADS = 16;
    static final int CATALOG_THREADS = 8;
    static final int CATALOG_QUEUE = 10_000;
    /** The in-memory backlog's floor, whatever the largest segment; see {@link #writeQueueConfig}. */
    static final long MIN_MEMORY_BACKLOG_BYTES = 256L * 1024 * 1024;
    /** Largest segments that fit the backlog together; see {@link #writeQueueConfig}. */
    static final int LARGEST_SEGMENTS_IN_BACKLOG = 2;
    /** In the data dir: see {@link #close} and {@link #recoverAfterUncleanStop}. */
    static final String CLEAN_STOP_MARKER = "clean-stop";
    static final String CATALOG_FILE = "catalog.db";
    static final String OBJECTS_DIR = "objects";

    private final ObjectStore objects;
    private final MetadataStore metadata;
    /** The same catalog without its cache: for {@link JdbcMetadataStore#underStartupLock}. */
    private final JdbcMetadataStore catalog;
    private final MemoryOnlyStores memoryOnly;
    private final ExecutorService writeExecutor;
    private final ExecutorService catalogExecutor;
    private final CatalogBatcher catalogUpdates;
    private final ObjectWriteQueue writes;
    private final String description;
    /** Written once everything is committed at close; its absence at open means the last run did not stop so. */
    private final Path cleanStopMarker;
    private final boolean uncleanStop;
    /** Until a check after an unclean stop has run through, this run's clean stop must not write the marker. */
    private volatile boolean checkPending;

    private Storage(CachingObjectStore objects, JdbcMetadataStore catalog, CachingMetadataStore metadata,
                    ExecutorService writeExecutor,
                    ExecutorService catalogExecutor, CatalogBatcher catalogUpdates, ObjectWriteQueue writes,
                    String description, Path cleanStopMarker, boolean uncleanStop) {
        this.objects = objects;
        this.metadata = metadata;
        this.catalog = catalog;
        this.memoryOnly = MemoryOnlyStores.of(objects, metadata);
        this.writeExecutor = writeExecutor;
        this.catalogExecutor = catalogExecutor;
        this.catalogUpdates = catalogUpdates;
        this.writes = writes;
        this.description = description;
        this.cleanStopMarker = cleanStopMarker;
        this.uncleanStop = uncleanStop;
        this.checkPending = uncleanStop;
    }

    static Storage open(ServerConfig config, Clock clock, MeterRegistry meters) throws IOException {
        return open(config, openCatalog(config), clock, meters);
    }

    /**
     * Opens the catalog {@code config} names: SQLite in the data dir, or the shared PostgreSQL database.
     *
     * @throws io.livechannel.storage.catalog.CatalogUnavailableException the PostgreSQL catalog cannot be reached
     */
    static JdbcMetadataStore openCatalog(ServerConfig config) throws IOException {
        ServerConfig.Catalog catalog = config.catalog();
        if (catalog.shared()) {
            return JdbcMetadataStore.openPostgres(catalog.jdbcUrl(), catalog.user(), catalog.password());
        }
        refuseEmptyCatalog(config.dataDir());
        return JdbcMetadataStore.openSqlite(config.dataDir().resolve(CATALOG_FILE));
    }

    /** Opens the object store and the threads around {@code catalog}, which it then owns (and closes on failure). */
    static Storage open(ServerConfig config, JdbcMetadataStore catalog, Clock clock, MeterRegistry meters)
            throws IOException {
        try {
            return openAround(config, catalog, clock, meters);
        } catch (IOException | RuntimeException e) {
            catalog.close();
            throw e;
        }
    }

    private static Storage openAround(ServerConfig config, JdbcMetadataStore catalog, Clock clock,
                                      MeterRegistry meters) throws IOException {
        Path dataDir = config.dataDir();
        ObjectStore objects;
        String description;
        Path spool = null;
        try {
            if (config.store().s3() == null) {
                FileSystemObjectStore fs = new FileSystemObjectStore(dataDir.resolve(OBJECTS_DIR), clock,
                        config.store().fsync(), config.store().directIo(), meters);
                objects = fs;
                description = "filesystem " + dataDir.resolve(OBJECTS_DIR) + " (fsync "
                        + config.store().fsync().name().toLowerCase(java.util.Locale.ROOT)
                        + (fs.writesLiveOutputDirect() ? ", live output direct" : "") + ")";
            } else {
                ServerConfig.S3Settings s3 = config.store().s3();
                spool = dataDir.resolve("spool");
                objects = new S3ObjectStore(new S3StoreConfig(URI.create(s3.endpoint()), s3.region(),
                        s3.accessKeyId(), s3.secretAccessKey(), s3.pathStyle(), spool, null), clock);
                description = "s3 " + s3.endpoint() + " (spool " + spool + ")";
            }
        } catch (StorageException e) {
            throw new IOException("cannot open the object store: " + e.getMessage(), e);
        }
        QueuedObjects queued = new QueuedObjects(objects);
        // a cluster's nodes write the same store: cached objects age out so that another node's writes are seen
        CachingObjectStore cachedObjects = new CachingObjectStore(objects, CachingObjectStore.DEFAULT_MAX_OBJECT_BYTES,
                CachingObjectStore.DEFAULT_MAX_TOTAL_BYTES, queued,
                config.catalog().shared() ? CachingObjectStore.SHARED_MAX_AGE : null);
        CachingMetadataStore metadata = new CachingMetadataStore(catalog);
        int writeThreads = config.store().s3() != null || config.store().fsync() == FsyncPolicy.ALWAYS ? WAITING_WRITE_THREADS
                : WRITE_THREADS;
        ExecutorService writeExecutor = Executors.newFixedThreadPool(writeThreads, named("storage-write"));
        ExecutorService catalogExecutor = new ThreadPoolExecutor(CATALOG_THREADS, CATALOG_THREADS, 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(CATALOG_QUEUE), named("catalog"));
        ObjectWriteQueue writes = new ObjectWriteQueue(cachedObjects, writeExecutor,
                writeQueueConfig(spool, config.ingest().maxSegmentBytes()), queued,
                token -> ChannelLeases.recoveredFenceHolds(metadata, token));
        CatalogBatcher catalogUpdates = new CatalogBatcher(metadata, CatalogBatcher.DEFAULT_MAX_QUEUED,
                CatalogBatcher.DEFAULT_LINGER);
        Path marker = dataDir.resolve(CLEAN_STOP_MARKER);
        // A shared catalog is not this process's alone to check after a crash: other nodes may be writing it.
        boolean unclean = !Files.deleteIfExists(marker) && !catalog.startedEmpty() && !config.catalog().shared();
        forceDirectory(dataDir); // a crash in this run must not find the marker of the last one
        return new Storage(cachedObjects, catalog, metadata, writeExecutor, catalogExecutor, catalogUpdates, writes,
                description, marker, unclean);
    }

    /**
     * A zero-byte {@code catalog.db} next to stored objects is a catalog that lost its content (a truncating copy, a
     * full disk during a restore); SQLite would take it for a new database and the server would start with no
     * buckets, keys or channels over objects it no longer knows. Refuse to start and say why.
     */
    static void refuseEmptyCatalog(Path dataDir) throws IOException {
        Path catalog = dataDir.resolve(CATALOG_FILE);
        Path objects = dataDir.resolve(OBJECTS_DIR);
        if (!Files.isRegularFile(catalog) || Files.size(catalog) != 0 || !Files.isDirectory(objects)) {
            return;
        }
        try (var entries = Files.list(objects)) {
            if (entries.findAny().isPresent()) {
                throw new IOException(catalog + " is empty (0 bytes) while " + objects + " holds objects: starting "
                        + "would replace the catalog (buckets, access keys, channels, segment index) with a new one. "
                        + "Restore catalog.db from a backup, or move it away to start over with an empty catalog.");
            }
        }
    }

    /**
     * After a run that did not stop cleanly (see {@link #close}), brings the catalog up to the stored live
     * playlists ({@link UncleanStopRecovery}); nothing otherwise (empty). Call before the listeners open.
     */
    Optional<UncleanStopRecovery.Result> recoverAfterUncleanStop() {
        if (!uncleanStop) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        UncleanStopRecovery.Result result = new UncleanStopRecovery(objects, metadata).run();
        log.info("the last run did not stop cleanly: checked {} channels against their live playlists in {} ms, "
                + "indexed {} segments, raised the counters of {} channels, ended {} playlists and {} pushes, "
                + "{} channels left for the next start", result.channels(), (System.nanoTime() - start) / 1_000_000,
                result.segmentsIndexed(), result.countersRaised(), result.playlistsEnded(), result.pushesEnded(),
                result.failed());
        checkPending = result.failed() > 0;
        return Optional.of(result);
    }

    /** Makes a change to {@code dir}'s entries durable (Linux: fsync of the directory); best effort. */
    private static void forceDirectory(Path dir) {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    /**
     * The write queue's limits, derived from the largest segment so that they cannot contradict each other: the
     * backlog holds at least {@value #LARGEST_SEGMENTS_IN_BACKLOG} segments of {@code maxSegmentBytes}, so a segment
     * is refused only when other writes fill the backlog, never for its own size.
     *
     * <p>The S3 store spools its backlog to disk (1 GiB, or more for larger segments); the filesystem store has no
     * spool, so its backlog (writes waiting for a write thread, or refused by the local disk and being retried)
     * stays in memory and is capped at {@value #MIN_MEMORY_BACKLOG_BYTES} bytes, or two of the largest segments if
     * that is more (the same 256 MiB at the default 128 MiB). That memory is the segments' pooled direct buffers
     * (the queue holds views of them, not copies), counted by Netty's allocator and
     * {@code -XX:MaxDirectMemorySize}, not the heap; playlists are small heap arrays. 256 MiB is about 2 s of
     * ingest at 1 Gbit/s: enough to ride out a short disk stall, small enough that a stuck disk refuses segments
     * (logged, not listed) long before the process runs out of direct memory.
     */
    static WriteQueueConfig writeQueueConfig(Path spool, long maxSegmentBytes) {
        WriteQueueConfig defaults = WriteQueueConfig.defaults(spool);
        long floor = spool != null ? defaults.maxBacklogBytes() : MIN_MEMORY_BACKLOG_BYTES;
        long backlogBytes = Math.max(floor, LARGEST_SEGMENTS_IN_BACKLOG * maxSegmentBytes);
        return new WriteQueueConfig(spool, defaults.maxBacklogWrites(), backlogBytes, defaults.initialBackoff(),
                defaults.maxBackoff(), defaults.errorAfterAttempts(), defaults.shutdownTimeout());
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Makes the bootstrap key usable and creates the default bucket (with its ACL) when it does not exist; under the
     * catalog's startup lock, so that nodes starting together on one shared catalog do it one after another.
     */
    void bootstrap(ServerConfig config, String accessKeyId, String accessKeySecret) throws IOException {
        IOException[] failure = new IOException[1];
        catalog.underStartupLock(() -> {
            try {
                bootstrapUnlocked(config, accessKeyId, accessKeySecret);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private void bootstrapUnlocked(ServerConfig config, String accessKeyId, String accessKeySecret)
            throws IOException {
        metadata.accessKeys().put(new AccessKey(accessKeyId, accessKeySecret));
        BucketAcl acl;
        try {
            acl = BucketAcl.ofWireValue(config.bootstrap().bucketAcl());
        } catch (IllegalArgumentException e) {
            throw new IOException("--bucket-acl " + config.bootstrap().bucketAcl()
                    + " is not one of private, public-read, public-read-write", e);
        }
        try {
            objects.createBucket(config.bootstrap().bucket());
        } catch (StorageException e) {
            throw new IOException("cannot create bucket " + config.bootstrap().bucket() + ": " + e.getMessage(), e);
        }
        if (metadata.buckets().create(new Bucket(config.bootstrap().bucket(), acl, java.time.Instant.now(), List.of()))) {
            log.info("created bucket {} ({})", config.bootstrap().bucket(), acl.wireValue());
        }
    }

    ObjectStore objects() {
        return objects;
    }

    MetadataStore metadata() {
        return metadata;
    }

    /** Non-blocking views of the two caches, for the API's event-loop path. */
    MemoryOnlyStores memoryOnly() {
        return memoryOnly;
    }

    ObjectWriteQueue writes() {
        return writes;
    }

    ExecutorService catalogExecutor() {
        return catalogExecutor;
    }

    /** The live path's catalog updates (segment index, playlist counters), committed in batches. */
    CatalogBatcher catalogUpdates() {
        return catalogUpdates;
    }

    String describe() {
        return description;
    }

    /** Waits for queued segment and playlist writes; logs what could not be stored in time. */
    void drainWrites(Duration timeout) {
        try {
            if (!writes.drain(timeout)) {
                log.error("writes still pending after {}: {}", timeout, writes.metrics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops writing and closes the stores. When every catalog update of the live path was committed, and no check
     * after an unclean stop is still owed (it failed, or the start failed before it), leaves the clean-stop marker,
     * so that the next open skips {@link #recoverAfterUncleanStop}.
     */
    @Override
    public void close() {
        writes.close(); // its last completions queue catalog updates
        boolean allCommitted = catalogUpdates.close(Duration.ofSeconds(10));
        catalogExecutor.shutdown();
        try {
            if (!catalogExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("catalog tasks still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeExecutor.shutdown();
        metadata.close();
        objects.close();
        if (allCommitted && !checkPending) {
            try {
                Files.createFile(cleanStopMarker);
                forceDirectory(cleanStopMarker.getParent());
            } catch (IOException e) {
                log.warn("cannot write {} (the next start checks the catalog against the live playlists): {}",
                        cleanStopMarker, e.toString());
            }
        }
    }
}
