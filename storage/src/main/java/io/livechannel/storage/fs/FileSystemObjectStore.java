package io.livechannel.storage.fs;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectKey;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The embedded object store: {@code <root>/<bucket>/<encoded key path>}, one file per object (see
 * {@link KeyPathCodec} for the name mapping and {@link ObjectFile} for the format).
 *
 * <p>Lifecycle of a put: write header and content to {@code .tmp-<token>-<n>} beside the target (hidden from
 * listings; a new name for each attempt, so that a direct write abandoned under one name never meets the next),
 * fsync it if the {@link FsyncPolicy} says so, rename atomically over the target, then fsync the directory under
 * the same condition. Readers open the file once and keep it, so they see the old object or the
 * whole new one. A crash or {@code kill -9} at any moment leaves at most a temporary file, which listings ignore
 * and the next {@link #FileSystemObjectStore(Path, Clock, FsyncPolicy, DirectIo) open} deletes; what a power loss
 * leaves depends on the policy (see {@link FsyncPolicy}). Empty directories left by deletes are harmless and
 * removed with the bucket.
 *
 * <p>Cost of a put from a {@link ByteBuffer} (the live write path): the ETag is computed from the buffer
 * ({@link ObjectFile}: CRC32C for live output), then {@code open}, one {@code write}, {@code close},
 * {@code rename}; plus two {@code fsync}s when forced. Live output is written with {@code O_DIRECT} under
 * {@link DirectIo#AUTO}: one copy into an aligned buffer on the Java side, then the device reads it (see
 * {@link DirectWriter}), on a thread of {@link DirectWriteThreads} that the put waits for at most a patience (see
 * {@link #write}); otherwise one gathering write of header and content through the page cache (a direct buffer is
 * not copied on the Java side). A missing directory is created only when the {@code open} reports it missing.
 * Replacing an existing object adds an {@code access} and a {@code link} ({@link #retire}); a new key only the
 * {@code access}. A direct write of a small live object (a playlist) goes into the file of a version replaced
 * {@link #RECYCLE_QUARANTINE} or more before, when there is one, instead of a new file ({@link RecycledFiles}): no
 * inode is allocated or freed. Other live output goes into an empty file made ahead of need in its directory
 * ({@link SpareFiles}), when one is ready, so that no put waits for an inode to be allocated.
 *
 * <p>Threading: thread-safe and blocking; call it from a storage executor, never a Netty event loop. Only one
 * process may use a root at a time (opening deletes other writers' temporary files).
 *
 * <p>Limits: keys as {@link ObjectKey} (1..1023 UTF-8 bytes), metadata as {@link PutOptions}; the root path
 * should stay under 900 bytes (see {@link KeyPathCodec}).
 */
public final class FileSystemObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(FileSystemObjectStore.class);
    /** Names that listings skip and {@link #removeTemporaryFiles} deletes when the store opens. */
    static final String TEMP_PREFIX = ".tmp-";
    static final String RETIRED_SUFFIX = ".replaced";
    /** Ends the names of {@link SpareFiles}' empty files, so that a look into a directory tells them apart. */
    static final String SPARE_SUFFIX = ".spare";
    /** A direct write that takes this long pauses direct writes ({@link #write}): 400 times a normal one here. */
    static final Duration SLOW_DIRECT_WRITE = Duration.ofMillis(200);
    /**
     * How long a put of live output waits for its direct write before it writes through the page cache instead
     * ({@link #write}), plus {@link #PATIENCE_NANOS_PER_MIB} per MiB of the object: a 2 Mbit/s segment's direct
     * write (half a MiB) takes about half a millisecond here, and the playlist that lists it has to be readable
     * within 50 ms of the cut (issue 9).
     */
    static final Duration DIRECT_PATIENCE = Duration.ofMillis(20);
    /** The patience per MiB: a device that writes 100 MiB/s or more finishes a large object before it is given up. */
    static final long PATIENCE_NANOS_PER_MIB = 10_000_000L;
    /** Live objects up to this file size (header and content) reuse replaced ones' inodes ({@link RecycledFiles}). */
    static final int RECYCLE_MAX_BYTES = 16 * 1024;
    /**
     * How long a replaced file waits before it is reused: far beyond a read of a small object, which opens, reads
     * whole and closes within one {@link #get}; a reader stalled longer still never serves a mix of two versions
     * (the checksum check in {@link #get}). Short, so that a channel has a kept file ready a few versions after it
     * starts (for writes in a pause, {@link #overwriteKept}); it was a minute until session 13.
     */
    static final Duration RECYCLE_QUARANTINE = Duration.ofSeconds(5);
    /** How many times {@link #get} reads a small object whose content does not match its checksum. */
    static final int SMALL_READ_ATTEMPTS = 3;
    /** A replaced file not reused for this long (its channel stopped) is unlinked. */
    static final Duration RECYCLE_MAX_IDLE = Duration.ofMinutes(3);
    /**
     * At most this many replaced files per directory: a put takes one and keeps one, so a channel keeps about a
     * quarantine's worth of versions (5 with 1-second segments); the rest is room to spare.
     */
    static final int RECYCLED_PER_DIRECTORY = 16;
    /** How long a pause lasts, in multiples of the slow write's duration, and at most. */
    static final int PAUSE_PER_SLOW_WRITE_TIME = 4;
    static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    /**
     * In a pause with no abandoned write under way, one put per this interval is written directly as a probe, and
     * one that the device takes within its patience ends the pause ({@link #write}).
     */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
    /**
     * Empty files kept ready per directory of live output ({@link SpareFiles}): a put takes one, and when a direct
     * write of it is abandoned the buffered write that replaces it takes another.
     */
    static final int SPARES_PER_DIRECTORY = 2;
    /** A directory's spares not taken for this long (its channel stopped) are unlinked. */
    static final Duration SPARE_MAX_IDLE = Duration.ofMinutes(3);

    private final Path root;
    private final Clock clock;
    private final FsyncPolicy fsync;
    /** Makes temporary names unique without a {@code SecureRandom} call per put (one process per root). */
    private final String tempPrefix = TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";
    private final AtomicLong tempCounter = new AtomicLong();
    /**
     * Writes live output past the page cache; null when the file system cannot (see {@link DirectWriter}), and set
     * to null when a direct write fails where a buffered one works ({@link #write}).
     */
    private volatile DirectWriter direct;
    private final LongSupplier nanoTime;
    /** Until when ({@link #nanoTime}) live output goes through the page cache after a slow direct write. */
    private final AtomicLong directPausedUntilNanos;
    /** When ({@link #nanoTime}) the next probe may go directly in a pause ({@link #probeDue}). */
    private final AtomicLong nextProbeNanos;
    /** Pauses ended early by a probe: for close. */
    private final LongAdder pausesEndedByProbe = new LongAdder();
    /** Live puts written directly, those written through the page cache meanwhile, slow direct writes: for close. */
    private final LongAdder liveWritesDirect = new LongAdder();
    private final LongAdder liveWritesBuffered = new LongAdder();
    /** Of {@link #liveWritesBuffered}, those written into kept files ({@link #overwriteKept}). */
    private final LongAdder keptFilesOverwritten = new LongAdder();
    private final AtomicLong slowDirectWrites = new AtomicLong();
    private final AtomicLong abandonedTotal = new AtomicLong();
    private final Duration directPatience;
    private final DirectWriteThreads directThreads;
    /**
     * Unlinks the temporary names of replaced objects ({@link #retire}) that are not kept for reuse, and sweeps
     * {@link #recycled}; one daemon thread, in order.
     */
    private final ScheduledExecutorService unlinker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "storage-fs-unlink");
        t.setDaemon(true);
        return t;
    });
    /** Replaced small live objects kept for their inodes ({@link RecycledFiles}). */
    private final RecycledFiles recycled;
    /** Empty files made ahead of need, which live output is written into instead of new files. */
    private final SpareFiles spares;
    /** Reports puts that took {@link SlowPuts#THRESHOLD} or more, with where the time went. */
    private final SlowPuts slowPuts;

    /**
     * Opens (creating when missing) the store at {@code root}, deleting temporary files of killed writes.
     *
     * @param fsync which puts are forced to disk before they return
     */
    public FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync, DirectIo directIo)
            throws StorageException {
        this(root, clock, fsync, Objects.requireNonNull(directIo, "directIo") == DirectIo.AUTO ? DirectWriter::probe
                : dir -> null, System::nanoTime);
    }

    /**
     * As the public constructor, with the direct writer (or null) that {@code directWriter} makes for the root, and
     * {@code nanoTime} to time direct writes with.
     */
    FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync, Function<Path, DirectWriter> directWriter,
                          LongSupplier nanoTime) throws StorageException {
        this(root, clock, fsync, directWriter, nanoTime, DIRECT_PATIENCE);
    }

    /** As above, waiting {@code directPatience} (real time) for a direct write before going through the page cache. */
    FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync, Function<Path, DirectWriter> directWriter,
                          LongSupplier nanoTime, Duration directPatience) throws StorageException {
        this.nanoTime = nanoTime;
        this.directPatience = Objects.requireNonNull(directPatience, "directPatience");
        this.directThreads = new DirectWriteThreads(nanoTime, this::abandonedWriteEnded);
        this.slowPuts = new SlowPuts(nanoTime);
        this.recycled = new RecycledFiles(nanoTime, RECYCLE_QUARANTINE, RECYCLE_MAX_IDLE, RECYCLED_PER_DIRECTORY,
                this::unlinkLater);
        this.spares = new SpareFiles(nanoTime, SPARES_PER_DIRECTORY, SPARE_MAX_IDLE,
                dir -> dir.resolve(tempPrefix + tempCounter.incrementAndGet() + SPARE_SUFFIX), this::unlinkLater);
        long sweep = RECYCLE_MAX_IDLE.toMillis() / 3;
        unlinker.scheduleWithFixedDelay(recycled::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        unlinker.scheduleWithFixedDelay(spares::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        this.directPausedUntilNanos = new AtomicLong(nanoTime.getAsLong()); // not paused: nanoTime may be < 0
        this.nextProbeNanos = new AtomicLong(nanoTime.getAsLong());
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
        this.fsync = Objects.requireNonNull(fsync, "fsync");
        try {
            Files.createDirectories(this.root);
            int removed = removeTemporaryFiles(this.root);
            this.direct = directWriter.apply(this.root);
            log.info("filesystem object store at {}, fsync {}, live output {} ({} leftover temporary files removed)",
                    this.root, fsync.name().toLowerCase(java.util.Locale.ROOT),
                    direct == null ? "through the page cache" : "direct (O_DIRECT)", removed);
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException(StorageException.Kind.IO, "cannot open object store at " + this.root, e);
        }
    }

    /** With {@link DirectIo#DEFAULT}. */
    public FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync) throws StorageException {
        this(root, clock, fsync, DirectIo.DEFAULT);
    }

    /** With {@link FsyncPolicy#DEFAULT}. */
    public FileSystemObjectStore(Path root, Clock clock) throws StorageException {
        this(root, clock, FsyncPolicy.DEFAULT);
    }

    /** With the system clock, {@link FsyncPolicy#DEFAULT} and {@link DirectIo#DEFAULT}. */
    public FileSystemObjectStore(Path root) throws StorageException {
        this(root, Clock.systemUTC());
    }

    /** Direct writes that a put stopped waiting for and that the device still holds; for tests. */
    int abandonedDirectWritesUnderWay() {
        return directThreads.abandonedUnderWay();
    }

    /** Whether live output is written past the page cache: {@link DirectIo#AUTO} and a file system that takes it. */
    public boolean writesLiveOutputDirect() {
        return direct != null;
    }

    @Override
    public void createBucket(String bucket) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        try {
            Files.createDirectories(root.resolve(bucket));
        } catch (IOException e) {
            throw io("create bucket " + bucket, e);
        }
    }

    @Override
    public void deleteBucket(String bucket) throws StorageException {
        Path dir = bucketDir(bucket);
        try {
            if (!list(bucket, ListQuery.prefix("", 1)).objects().isEmpty()) {
                throw new StorageException(StorageException.Kind.BUCKET_NOT_EMPTY,
                        "bucket " + bucket + " is not empty");
            }
            spares.discardUnder(dir); // the walk deletes them; none is made meanwhile
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (DirectoryNotEmptyException e) {
            throw new StorageException(StorageException.Kind.BUCKET_NOT_EMPTY, "bucket " + bucket + " is not empty", e);
        } catch (IOException | UncheckedIOException e) {
            throw io("delete bucket " + bucket, e);
        }
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream data, long length, PutOptions options)
            throws StorageException {
        return put(bucket, key, options, (dir, now, force) -> {
            Path temp = newTemp(dir);
            try {
                return new Written(temp, ObjectFile.write(temp, key, data, length, options, now, force));
            } catch (IOException | StorageException | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            }
        });
    }

    /** Writes the buffer to the file without copying it on the Java side; see the class comment. */
    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        return put(bucket, key, options, (dir, now, force) -> write(dir, ObjectFile.layout(key, data, options, now),
                options, force));
    }

    /**
     * Live output directly when this store writes directly, anything else through the page cache. A direct write
     * waits for the disk, a buffered one only for memory, so a direct write of live output that is not forced waits
     * at most {@link #directPatience} and {@link #PATIENCE_NANOS_PER_MIB} per MiB ({@link DirectWriteThreads}): one
     * still under way then is abandoned, the object is written through the page cache under another name, and live
     * output goes through the page cache until every abandoned write has ended. A direct write that took
     * {@link #SLOW_DIRECT_WRITE} or more (a forced one), or that was abandoned (a disk busy with someone else's I/O, a
     * TRIM storm after a large delete), also sends live output through the page cache, as every write did before
     * direct I/O, for {@link #PAUSE_PER_SLOW_WRITE_TIME} times as long as that write took (at most
     * {@link #MAX_PAUSE}), so that memory absorbs the stall instead of the write queue's backlog filling up. A short
     * hiccup costs a short pause; a disk that stays slow keeps extending it. Once no abandoned write is under way,
     * one put per {@link #PROBE_INTERVAL} is written directly anyway, and when the device takes it within its
     * patience the pause ends there: the time a write took is a poor guide to how long the trouble lasts (a write
     * held only by a CPU shortage, on a saturated machine, paused direct writes for four times that, and a buffered
     * segment write costs several times the CPU of a direct one, so the pause made the shortage worse). Small live
     * output goes into a file of {@link #recycled} when one is ready: by a direct write, or in a pause by
     * {@link #overwriteKept}.
     *
     * <p>A direct write that fails for any reason but a missing directory is done again through the page cache;
     * when that works, the direct path is what failed (a file system under the root that refuses {@code O_DIRECT}
     * or another alignment than the probe found), so live output goes through the page cache from then on (one
     * WARN).
     */
    private Written write(Path dir, ObjectFile.Layout layout, PutOptions options, boolean force) throws IOException {
        DirectWriter writer = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? direct : null;
        boolean probe = false;
        if (writer != null && !writer.accepts(layout.fileBytes())) {
            writer = null;
        } else if (writer != null && directWritesPaused()) {
            probe = probeDue();
            if (!probe) {
                liveWritesBuffered.increment();
                Path kept = layout.fileBytes() <= RECYCLE_MAX_BYTES && writer.blocksArePages() ? recycled.take(dir)
                        : null;
                return kept != null ? overwriteKept(dir, kept, writer, layout, options, force)
                        : writeBuffered(dir, layout, options, force);
            }
        }
        if (writer == null) {
            return writeBuffered(dir, layout, options, force);
        }
        // a kept file is only written in whole blocks (here, or by overwriteKept): a buffered write of part of a
        // page that is not cached first reads it from the disk (hundreds of ms on a stalled disk, seen in the
        // slow-put report)
        Path reused = layout.fileBytes() <= RECYCLE_MAX_BYTES ? recycled.take(dir) : null;
        if (reused == null) {
            reused = spares.take(dir);
        }
        Path temp = reused != null ? reused : newTemp(dir);
        long start = nanoTime.getAsLong();
        try {
            if (force) { // a buffered write would wait for the same device in its fsync: no patience here
                writer.write(temp, layout, true, reused != null);
            } else if (!directThreads.write(writer, temp, writer.fill(layout), false, reused != null,
                    directPatience.toNanos() + (layout.fileBytes() * PATIENCE_NANOS_PER_MIB >> 20))) {
                abandoned(layout.object().key(), nanoTime.getAsLong() - start);
                liveWritesBuffered.increment();
                return writeBuffered(dir, layout, options, false);
            }
        } catch (NoSuchFileException e) {
            throw e;
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            deleteQuietly(temp);
            Written written = writeBuffered(dir, layout, options, force);
            if (direct != null) {
                direct = null;
                log.warn("direct write of {} failed ({}) but a buffered one worked: live output goes through the "
                        + "page cache from now on", layout.object().key(), e.toString());
            }
            return written;
        }
        liveWritesDirect.increment();
        long took = nanoTime.getAsLong() - start;
        if (took >= SLOW_DIRECT_WRITE.toNanos()) {
            long pause = pauseDirectWrites(took);
            if (slowDirectWrites.getAndIncrement() == 0) { // the rest at DEBUG, and counted at close
                log.info("direct write of {} took {} ms: live output goes through the page cache for {} ms (and "
                        + "after each later slow direct write)", layout.object().key(), took / 1_000_000,
                        pause / 1_000_000);
            } else {
                log.debug("direct write of {} took {} ms: page cache for {} ms", layout.object().key(),
                        took / 1_000_000, pause / 1_000_000);
            }
        } else if (probe && directThreads.abandonedUnderWay() == 0) {
            directPausedUntilNanos.set(nanoTime.getAsLong()); // the device answers again: the pause is over
            pausesEndedByProbe.increment();
            log.debug("direct write of {} took {} ms in a pause: direct writes resume", layout.object().key(),
                    took / 1_000_000);
        }
        return new Written(temp, layout.object());
    }

    /** After a slow or abandoned direct write, and while an abandoned one is under way. */
    private boolean directWritesPaused() {
        return directThreads.abandonedUnderWay() > 0 || nanoTime.getAsLong() - directPausedUntilNanos.get() < 0;
    }

    /**
     * Whether the calling put, in a pause, is the probe that tries the device ({@link #write}): none while an
     * abandoned write is under way (the device still holds it), then one per {@link #PROBE_INTERVAL}.
     */
    private boolean probeDue() {
        if (directThreads.abandonedUnderWay() > 0) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long next = nextProbeNanos.get();
        return now - next >= 0 && nextProbeNanos.compareAndSet(next, now + PROBE_INTERVAL.toNanos());
    }

    /**
     * Small live output while direct writes are paused: written through the page cache into a kept file, in whole
     * blocks ({@link DirectWriter#overwriteThroughPageCache}). A playlist written into a new file instead would make
     * the {@code rename} over the current version flush it first (ext4's {@code auto_da_alloc}), and while the device
     * is busy, the reason for the pause, that flush waits in the kernel's writeback throttling: session 12 saw
     * renames of 100-224 ms on a write thread, with every channel queued behind it (docs/benchmarks.md). Falls back
     * to a new file when the kept one cannot be written.
     */
    private Written overwriteKept(Path dir, Path kept, DirectWriter writer, ObjectFile.Layout layout,
                                  PutOptions options, boolean force) throws IOException {
        try {
            writer.overwriteThroughPageCache(kept, layout, force);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            deleteQuietly(kept);
            return writeBuffered(dir, layout, options, force);
        }
        keptFilesOverwritten.increment();
        return new Written(kept, layout.object());
    }

    /** Through the page cache, into a spare file ({@link #spares}) when the object is live output and one is ready. */
    private Written writeBuffered(Path dir, ObjectFile.Layout layout, PutOptions options, boolean force)
            throws IOException {
        Path spare = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? spares.take(dir) : null;
        Path temp = spare != null ? spare : newTemp(dir);
        try {
            ObjectFile.writeBuffered(temp, layout, force, spare != null);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        return new Written(temp, layout.object());
    }

    /** A direct write outlived {@link #directPatience}: see {@link #write}; logged at INFO the first time. */
    private void abandoned(String key, long waitedNanos) {
        if (abandonedTotal.getAndIncrement() == 0) { // the rest at DEBUG, and counted at close
            log.info("direct write of {} still under way after {} ms: written through the page cache, and so is live "
                    + "output until the device has it (and after each later stalled direct write)", key,
                    waitedNanos / 1_000_000);
        } else {
            log.debug("direct write of {} still under way after {} ms: written through the page cache", key,
                    waitedNanos / 1_000_000);
        }
    }

    /** An abandoned direct write has ended, on its own thread (see {@link DirectWriteThreads}). */
    private void abandonedWriteEnded(Path file, long tookNanos, IOException failure) {
        if (failure == null) {
            long pause = pauseDirectWrites(tookNanos);
            log.debug("abandoned direct write of {} ended after {} ms: page cache for {} ms", file,
                    tookNanos / 1_000_000, pause / 1_000_000);
        } else {
            log.debug("abandoned direct write of {} failed: {}", file, failure.toString());
        }
    }

    /** Sends live output through the page cache for a multiple of a slow write's {@code tookNanos}; returns that. */
    private long pauseDirectWrites(long tookNanos) {
        long end = nanoTime.getAsLong();
        long pause = Math.min(tookNanos * PAUSE_PER_SLOW_WRITE_TIME, MAX_PAUSE.toNanos());
        // only ever extended: a short slow write ending inside a longer pause must not cut it short
        directPausedUntilNanos.accumulateAndGet(end + pause, (until, candidate) -> candidate - until > 0
                ? candidate : until);
        nextProbeNanos.set(end + PROBE_INTERVAL.toNanos()); // the first probe waits a while after the last trouble
        return pause;
    }

    /** MD5 for uploads, the CRC32C tag for live output: the same bytes {@code ObjectFile} writes. */
    @Override
    public String etagFor(ByteBuffer content, PutOptions options) {
        return ObjectFile.etag(content, options);
    }

    /** A temporary file holding a whole object, and that object. */
    private record Written(Path file, StoredObject object) {
    }

    /**
     * How a put fills a temporary file in {@code dir}: each attempt under a new name (an abandoned direct write
     * may still hold an earlier one), deleted again when the attempt fails.
     */
    @FunctionalInterface
    private interface ContentWriter {
        Written write(Path dir, Instant lastModified, boolean force) throws IOException, StorageException;
    }

    private Path newTemp(Path dir) {
        return dir.resolve(tempPrefix + tempCounter.incrementAndGet());
    }

    private StoredObject put(String bucket, String key, PutOptions options, ContentWriter writer)
            throws StorageException {
        Path target = objectFile(bucketDir(bucket), key);
        Path dir = target.getParent();
        boolean force = fsync.forces(options);
        Written written = null;
        boolean renamed = false;
        long start = nanoTime.getAsLong();
        try {
            try {
                written = writer.write(dir, now(), force);
            } catch (NoSuchFileException e) { // first object under this prefix: one mkdir, not one per put
                spares.forget(dir); // or a spare file was deleted under us: the retry creates its own
                Files.createDirectories(dir);
                written = writer.write(dir, now(), force);
            }
            long wrote = nanoTime.getAsLong();
            // a new key (every segment) is told apart with one access() call: a failed link() would cost two
            // exceptions with stack traces per segment (java_lang_Throwable::fill_in_stack_trace was 2 % of the
            // write threads' CPU samples at 100 publishers)
            Path retired = Files.exists(target) ? retire(target, dir) : null;
            long linked = nanoTime.getAsLong();
            boolean moved = false;
            try {
                Files.move(written.file(), target, StandardCopyOption.ATOMIC_MOVE);
                moved = true;
                slowPuts.check(bucket, key, start, wrote, linked, nanoTime.getAsLong());
            } finally {
                if (retired != null && moved && recyclable(options, written.object())) {
                    recycled.keep(dir, retired);
                } else if (retired != null) {
                    unlinkLater(retired);
                }
            }
            renamed = true;
            if (force) {
                syncDirectory(dir);
            }
            log.debug("put {}/{} ({} bytes)", bucket, key, written.object().size());
            return written.object();
        } catch (IOException e) {
            throw io("put " + bucket + "/" + key, e);
        } finally {
            if (written != null && !renamed) {
                deleteQuietly(written.file());
            }
        }
    }

    /**
     * Whether the version a put replaces is kept for its inode ({@link RecycledFiles}): small live output, in a store
     * that writes live output directly (only direct writes reuse kept files, see {@link #write}).
     */
    private boolean recyclable(PutOptions options, StoredObject object) {
        return direct != null && options.origin() == PutOptions.Origin.LIVE_OUTPUT
                && object.size() <= RECYCLE_MAX_BYTES;
    }

    /** Unlinks {@code file} on the unlinker thread, or here once the store is closed. */
    private void unlinkLater(Path file) {
        try {
            unlinker.execute(() -> deleteQuietly(file));
        } catch (RejectedExecutionException e) {
            deleteQuietly(file);
        }
    }

    /** The object's time as the file header keeps it (milliseconds), so a put returns what a head reads back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Opens the object's file and streams its content. A small object (at most {@link #RECYCLE_MAX_BYTES}) is read
     * whole before this returns, and live output's content is checked against its CRC32C: such a file may be a kept
     * one ({@link RecycledFiles}) that a later version overwrites in place once it has been retired for
     * {@link #RECYCLE_QUARANTINE}, so a reader that stalled that long between its {@code open} and its reads could
     * see parts of two versions. A mismatch (or a header that no longer fits the file) reads again from the path, up
     * to {@link #SMALL_READ_ATTEMPTS} times; then the object is reported unreadable rather than served wrong.
     */
    @Override
    public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
        Path file = objectFile(bucketDir(bucket), key);
        for (int attempt = 1; ; attempt++) {
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
                ObjectFile.Header header = ObjectFile.read(ch);
                StoredObject object = header.object();
                ByteRange served = clamp(range, object, key);
                long first = served == null ? 0 : served.first();
                long length = served == null ? object.size() : served.length();
                if (object.size() > RECYCLE_MAX_BYTES) {
                    ObjectStream stream = new ObjectStream(object, served,
                            new RangeInputStream(ch, header.contentOffset() + first, length));
                    ch = null; // ownership moved to the stream
                    return stream;
                }
                byte[] content = new RangeInputStream(ch, header.contentOffset(), object.size()).readNBytes(
                        (int) object.size());
                if (content.length == object.size() && ObjectFile.matchesChecksum(content, object)) {
                    return new ObjectStream(object, served, new ByteArrayInputStream(content, (int) first,
                            (int) length));
                }
                if (attempt == SMALL_READ_ATTEMPTS) {
                    throw new IOException(key + " does not match its checksum in " + attempt + " reads ("
                            + content.length + " of " + object.size() + " bytes read)");
                }
                log.debug("{} changed while read (its file was reused): reading it again", key);
            } catch (NoSuchFileException e) {
                throw new StorageException(StorageException.Kind.NO_SUCH_KEY, "no such key " + key + " in " + bucket,
                        e);
            } catch (IOException e) {
                if (attempt == SMALL_READ_ATTEMPTS) {
                    throw io("get " + bucket + "/" + key, e);
                }
                log.debug("reading {} failed ({}): reading it again", key, e.toString());
            } finally {
                closeQuietly(ch);
            }
        }
    }

    private static ByteRange clamp(ByteRange range, StoredObject object, String key) throws StorageException {
        if (range == null) {
            return null;
        }
        if (range.first() >= object.size()) {
            throw new StorageException(StorageException.Kind.INVALID_RANGE, "range starts at " + range.first()
                    + " but " + key + " has " + object.size() + " bytes");
        }
        return new ByteRange(range.first(), Math.min(range.last(), object.size() - 1));
    }

    @Override
    public Optional<StoredObject> head(String bucket, String key) throws StorageException {
        Path file = objectFile(bucketDir(bucket), key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return Optional.of(ObjectFile.read(ch).object());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw io("head " + bucket + "/" + key, e);
        }
    }

    @Override
    public ObjectListing list(String bucket, ListQuery query) throws StorageException {
        Path dir = bucketDir(bucket);
        try {
            List<BucketLister.Entry> all = new BucketLister(query).list(dir);
            List<StoredObject> objects = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            int taken = 0;
            for (BucketLister.Entry entry : all) {
                if (taken == query.maxKeys()) {
                    break;
                }
                taken++;
                if (entry.isCommonPrefix()) {
                    prefixes.add(entry.name());
                } else {
                    headOfListed(entry).ifPresent(objects::add);
                }
            }
            boolean truncated = all.size() > taken;
            String nextMarker = truncated ? all.get(taken - 1).name() : null;
            return new ObjectListing(objects, prefixes, truncated, nextMarker);
        } catch (IOException | UncheckedIOException e) {
            throw io("list " + bucket, e);
        }
    }

    /** Empty when the object was deleted since the directory was read. */
    private static Optional<StoredObject> headOfListed(BucketLister.Entry entry) throws IOException {
        try (FileChannel ch = FileChannel.open(entry.file(), StandardOpenOption.READ)) {
            return Optional.of(ObjectFile.read(ch).object());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String bucket, String key) throws StorageException {
        Path file = objectFile(bucketDir(bucket), key);
        try {
            if (Files.deleteIfExists(file)) {
                if (fsync.forcesDeletes()) {
                    syncDirectory(file.getParent());
                }
                log.debug("deleted {}/{}", bucket, key);
            }
        } catch (IOException e) {
            throw io("delete " + bucket + "/" + key, e);
        }
    }

    /**
     * Gives the object being replaced a second, temporary name, so that the rename over it does not drop the
     * last link to its inode: freeing an inode's blocks happens in the thread that drops the last link, and on
     * ext4 mounted with {@code discard} that is a synchronous TRIM which, behind a busy disk's writeback, blocked
     * playlist rewrites for up to a second (kernel stacks: {@code ext4_evict_inode} → {@code ext4_free_blocks} →
     * {@code blkdev_issue_discard}). The temporary name is kept for reuse when the object is small live output
     * ({@link #recycled}), and otherwise unlinked by {@link #unlinker}, off the lane.
     *
     * @return the temporary name, or null when there is no object to replace (it was deleted since the caller
     *         saw it) or no hard links here
     */
    private Path retire(Path target, Path dir) {
        Path retired = dir.resolve(tempPrefix + tempCounter.incrementAndGet() + RETIRED_SUFFIX);
        try {
            Files.createLink(retired, target);
            return retired;
        } catch (NoSuchFileException e) {
            return null; // a new key
        } catch (IOException | UnsupportedOperationException e) {
            return null; // no hard links on this file system: the rename frees the old inode itself
        }
    }

    /** Waits up to 10 s for the temporary names of replaced objects to be unlinked (leftovers go at next open). */
    @Override
    public void close() {
        if (liveWritesDirect.sum() + liveWritesBuffered.sum() > 0) {
            log.info("live output written directly: {} objects; through the page cache after {} slow direct "
                    + "writes and {} abandoned ones: {} ({} into kept files); pauses ended by a probe: {}; spare "
                    + "files taken: {}, none ready: {}; puts of {} ms or more: {}", liveWritesDirect.sum(),
                    slowDirectWrites.get(), abandonedTotal.get(), liveWritesBuffered.sum(),
                    keptFilesOverwritten.sum(), pausesEndedByProbe.sum(), spares.taken(), spares.missed(),
                    SlowPuts.THRESHOLD.toMillis(), slowPuts.count());
        }
        directThreads.close();
        spares.close();
        recycled.clear();
        unlinker.shutdown();
        try {
            if (!unlinker.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("replaced objects still being unlinked at close; the next open removes them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path bucketDir(String bucket) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        Path dir = root.resolve(bucket);
        if (!Files.isDirectory(dir)) {
            throw new StorageException(StorageException.Kind.NO_SUCH_BUCKET, "no such bucket " + bucket);
        }
        return dir;
    }

    private static Path objectFile(Path bucketDir, String key) throws StorageException {
        Path file = bucketDir;
        for (String name : KeyPathCodec.objectPath(ObjectKey.checkedUtf8(key))) {
            file = file.resolve(name);
        }
        return file;
    }

    /** Makes a rename durable (POSIX: the directory entry is only on disk after the directory is synced). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    private static int removeTemporaryFiles(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> temps = paths.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList();
            for (Path p : temps) {
                Files.deleteIfExists(p);
            }
            return temps.size();
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            log.warn("cannot delete temporary file {}: {}", temp, e.toString());
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                log.debug("closing {} failed: {}", ch, e.toString());
            }
        }
    }

    private static StorageException io(String what, Exception e) {
        return new StorageException(StorageException.Kind.IO, what + " failed: " + e.getMessage(), e);
    }
}
