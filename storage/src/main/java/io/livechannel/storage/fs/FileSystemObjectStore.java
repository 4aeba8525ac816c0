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

import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.ExecutorService;
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
 * listings), fsync it if the {@link FsyncPolicy} says so, rename atomically over the target, then fsync the
 * directory under the same condition. Readers open the file once and keep it, so they see the old object or the
 * whole new one. A crash or {@code kill -9} at any moment leaves at most a temporary file, which listings ignore
 * and the next {@link #FileSystemObjectStore(Path, Clock, FsyncPolicy, DirectIo) open} deletes; what a power loss
 * leaves depends on the policy (see {@link FsyncPolicy}). Empty directories left by deletes are harmless and
 * removed with the bucket.
 *
 * <p>Cost of a put from a {@link ByteBuffer} (the live write path): the ETag is computed from the buffer
 * ({@link ObjectFile}: CRC32C for live output), then {@code open}, one {@code write}, {@code close},
 * {@code rename}; plus two {@code fsync}s when forced. Live output is written with {@code O_DIRECT} under
 * {@link DirectIo#AUTO}: one copy into an aligned buffer on the Java side, then the device reads it (see
 * {@link DirectWriter}); otherwise one gathering write of header and content through the page cache (a direct
 * buffer is not copied on the Java side). A missing directory is created only when the {@code open} reports it missing.
 * Replacing an existing object adds an {@code access} and a {@code link} ({@link #retire}); a new key only the
 * {@code access}.
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
    private static final String RETIRED_SUFFIX = ".replaced";
    /** A direct write that takes this long pauses direct writes ({@link #write}): 400 times a normal one here. */
    static final Duration SLOW_DIRECT_WRITE = Duration.ofMillis(200);
    /** How long a pause lasts, in multiples of the slow write's duration, and at most. */
    static final int PAUSE_PER_SLOW_WRITE_TIME = 4;
    static final Duration MAX_PAUSE = Duration.ofSeconds(30);

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
    /** Live puts written directly, those written through the page cache meanwhile, slow direct writes: for close. */
    private final LongAdder liveWritesDirect = new LongAdder();
    private final LongAdder liveWritesBuffered = new LongAdder();
    private final AtomicLong slowDirectWrites = new AtomicLong();
    /** Unlinks the temporary names of replaced objects ({@link #retire}); one daemon thread, in order. */
    private final ExecutorService unlinker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "storage-fs-unlink");
        t.setDaemon(true);
        return t;
    });

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
        this.nanoTime = nanoTime;
        this.directPausedUntilNanos = new AtomicLong(nanoTime.getAsLong()); // not paused: nanoTime may be < 0
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
                throw new StorageException(StorageException.Kind.BUCKET_NOT_EMPTY, "bucket " + bucket + " is not empty");
            }
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
        return put(bucket, key, options, (temp, now, force) -> ObjectFile.write(temp, key, data, length, options,
                now, force));
    }

    /** Writes the buffer to the file without copying it on the Java side; see the class comment. */
    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        return put(bucket, key, options, (temp, now, force) -> write(temp, key, data, options, now, force));
    }

    /**
     * Live output directly when this store writes directly, anything else through the page cache. A direct write
     * waits for the disk, a buffered one only for memory: after a direct write that took
     * {@link #SLOW_DIRECT_WRITE} or more (a disk busy with someone else's I/O, a TRIM storm after a large delete),
     * live output goes through the page cache, as every write did before direct I/O, for
     * {@link #PAUSE_PER_SLOW_WRITE_TIME} times as long as that write took (at most {@link #MAX_PAUSE}), so that
     * memory absorbs the stall instead of the write queue's backlog filling up. A short hiccup costs a short
     * pause; a disk that stays slow keeps extending it (with the direct writes that were already under way).
     *
     * <p>A direct write that fails for any reason but a missing directory is done again through the page cache;
     * when that works, the direct path is what failed (a file system under the root that refuses {@code O_DIRECT}
     * or another alignment than the probe found), so live output goes through the page cache from then on (one
     * WARN).
     */
    private StoredObject write(Path temp, String key, ByteBuffer data, PutOptions options, Instant now,
                               boolean force) throws IOException {
        DirectWriter writer = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? direct : null;
        if (writer != null && nanoTime.getAsLong() - directPausedUntilNanos.get() < 0) {
            liveWritesBuffered.increment();
            writer = null;
        }
        if (writer == null) {
            return ObjectFile.write(temp, key, data, options, now, force, null);
        }
        long start = nanoTime.getAsLong();
        StoredObject stored;
        try {
            stored = ObjectFile.write(temp, key, data, options, now, force, writer);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            stored = ObjectFile.write(temp, key, data, options, now, force, null);
            if (direct != null) {
                direct = null;
                log.warn("direct write of {} failed ({}) but a buffered one worked: live output goes through the "
                        + "page cache from now on", key, e.toString());
            }
            return stored;
        }
        liveWritesDirect.increment();
        long end = nanoTime.getAsLong();
        long took = end - start;
        if (took >= SLOW_DIRECT_WRITE.toNanos()) {
            long pause = Math.min(took * PAUSE_PER_SLOW_WRITE_TIME, MAX_PAUSE.toNanos());
            // only ever extended: a short slow write ending inside a longer pause must not cut it short
            directPausedUntilNanos.accumulateAndGet(end + pause, (until, candidate) -> candidate - until > 0
                    ? candidate : until);
            if (slowDirectWrites.getAndIncrement() == 0) { // the rest at DEBUG, and counted at close
                log.info("direct write of {} took {} ms: live output goes through the page cache for {} ms (and "
                        + "after each later slow direct write)", key, took / 1_000_000, pause / 1_000_000);
            } else {
                log.debug("direct write of {} took {} ms: page cache for {} ms", key, took / 1_000_000,
                        pause / 1_000_000);
            }
        }
        return stored;
    }

    /** MD5 for uploads, the CRC32C tag for live output: the same bytes {@code ObjectFile} writes. */
    @Override
    public String etagFor(ByteBuffer content, PutOptions options) {
        return ObjectFile.etag(content, options);
    }

    /** How a put fills its temporary file: one of the two {@code ObjectFile.write}s. */
    @FunctionalInterface
    private interface ContentWriter {
        StoredObject write(Path temp, Instant lastModified, boolean force) throws IOException, StorageException;
    }

    private StoredObject put(String bucket, String key, PutOptions options, ContentWriter writer)
            throws StorageException {
        Path target = objectFile(bucketDir(bucket), key);
        Path dir = target.getParent();
        Path temp = dir.resolve(tempPrefix + tempCounter.incrementAndGet());
        boolean force = fsync.forces(options);
        boolean renamed = false;
        try {
            StoredObject stored;
            try {
                stored = writer.write(temp, now(), force);
            } catch (NoSuchFileException e) { // first object under this prefix: one mkdir, not one per put
                Files.createDirectories(dir);
                stored = writer.write(temp, now(), force);
            }
            // a new key (every segment) is told apart with one access() call: a failed link() would cost two
            // exceptions with stack traces per segment (java_lang_Throwable::fill_in_stack_trace was 2 % of the
            // write threads' CPU samples at 100 publishers)
            Path retired = Files.exists(target) ? retire(target, dir) : null;
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                if (retired != null) {
                    unlinker.execute(() -> deleteQuietly(retired));
                }
            }
            renamed = true;
            if (force) {
                syncDirectory(dir);
            }
            log.debug("put {}/{} ({} bytes)", bucket, key, stored.size());
            return stored;
        } catch (IOException e) {
            throw io("put " + bucket + "/" + key, e);
        } finally {
            if (!renamed) {
                deleteQuietly(temp);
            }
        }
    }

    /** The object's time as the file header keeps it (milliseconds), so a put returns what a head reads back. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
        Path file = objectFile(bucketDir(bucket), key);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            ObjectFile.Header header = ObjectFile.read(ch);
            StoredObject object = header.object();
            ByteRange served = clamp(range, object, key);
            long first = served == null ? 0 : served.first();
            long length = served == null ? object.size() : served.length();
            ObjectStream stream = new ObjectStream(object, served,
                    new RangeInputStream(ch, header.contentOffset() + first, length));
            ch = null; // ownership moved to the stream
            return stream;
        } catch (NoSuchFileException e) {
            throw new StorageException(StorageException.Kind.NO_SUCH_KEY, "no such key " + key + " in " + bucket, e);
        } catch (IOException e) {
            throw io("get " + bucket + "/" + key, e);
        } finally {
            closeQuietly(ch);
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
     * {@code blkdev_issue_discard}). The temporary name is unlinked by {@link #unlinker} instead, off the lane.
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
            log.info("live output written directly: {} objects; through the page cache after {} slow direct writes: "
                    + "{}", liveWritesDirect.sum(), slowDirectWrites.get(), liveWritesBuffered.sum());
        }
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
