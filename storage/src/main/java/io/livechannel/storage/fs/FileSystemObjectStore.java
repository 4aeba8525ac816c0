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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * {@code rename}; plus two {@code fsync}s when forced. How the file is written, and into which file, is
 * {@link ObjectFileWriter}'s: live output with {@code O_DIRECT} under {@link DirectIo#AUTO} (one copy into an
 * aligned buffer, then the device reads it, waited for at most a patience), into a replaced version's file or an
 * empty one made ahead of need when one is ready; anything else in one gathering write of header and content
 * through the page cache (a direct buffer is not copied on the Java side). A missing directory is created only when
 * the {@code open} reports it missing. Replacing an existing object adds an {@code access} and a {@code link}
 * ({@link #retire}); a new key only the {@code access}.
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
    /** Live objects up to this file size (header and content) reuse replaced ones' inodes ({@link RecycledFiles}). */
    static final int RECYCLE_MAX_BYTES = 16 * 1024;
    /** How many times {@link #get} reads a small object whose content does not match its checksum. */
    static final int SMALL_READ_ATTEMPTS = 3;

    private final Path root;
    private final Clock clock;
    private final FsyncPolicy fsync;
    private final TempNames names = new TempNames();
    private final LongSupplier nanoTime;
    /** Writes each put's file; its direct writer, pools of files and pauses are the live path's (issue 9). */
    private final ObjectFileWriter writer;
    /**
     * Unlinks the temporary names of replaced objects ({@link #retire}) that are not kept for reuse, and the files
     * that {@link #writer}'s pools no longer need, and runs their sweeps; one daemon thread, in order.
     */
    private final ScheduledExecutorService unlinker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "storage-fs-unlink");
        t.setDaemon(true);
        return t;
    });
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
        this(root, clock, fsync, directWriter, nanoTime, ObjectFileWriter.DIRECT_PATIENCE);
    }

    /** As above, waiting {@code directPatience} (real time) for a direct write before going through the page cache. */
    FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync, Function<Path, DirectWriter> directWriter,
                          LongSupplier nanoTime, Duration directPatience) throws StorageException {
        Objects.requireNonNull(directPatience, "directPatience");
        this.nanoTime = nanoTime;
        this.slowPuts = new SlowPuts(nanoTime);
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
        this.fsync = Objects.requireNonNull(fsync, "fsync");
        try {
            Files.createDirectories(this.root);
            int removed = removeTemporaryFiles(this.root);
            DirectWriter direct = directWriter.apply(this.root);
            this.writer = new ObjectFileWriter(direct, nanoTime, directPatience, names, this::unlinkLater);
            log.info("filesystem object store at {}, fsync {}, live output {} ({} leftover temporary files removed)",
                    this.root, fsync.name().toLowerCase(java.util.Locale.ROOT),
                    direct == null ? "through the page cache" : "direct (O_DIRECT)", removed);
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException(StorageException.Kind.IO, "cannot open object store at " + this.root, e);
        }
        long sweep = ObjectFileWriter.SWEEP_INTERVAL.toMillis();
        unlinker.scheduleWithFixedDelay(writer::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
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
        return writer.abandonedUnderWay();
    }

    /** Whether live output is written past the page cache: {@link DirectIo#AUTO} and a file system that takes it. */
    public boolean writesLiveOutputDirect() {
        return writer.writesDirect();
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
            writer.discardSparesUnder(dir); // the walk deletes them; none is made meanwhile
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
            Path temp = names.next(dir);
            try {
                return new ObjectFileWriter.Written(temp, ObjectFile.write(temp, key, data, length, options, now,
                        force));
            } catch (IOException | StorageException | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            }
        });
    }

    /** Writes the buffer to the file without copying it on the Java side; see the class comment. */
    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        return put(bucket, key, options, (dir, now, force) -> writer.write(dir,
                ObjectFile.layout(key, data, options, now), options, force));
    }

    /** MD5 for uploads, the CRC32C tag for live output: the same bytes {@code ObjectFile} writes. */
    @Override
    public String etagFor(ByteBuffer content, PutOptions options) {
        return ObjectFile.etag(content, options);
    }

    /**
     * How a put fills a temporary file in {@code dir}: each attempt under a new name (an abandoned direct write
     * may still hold an earlier one), deleted again when the attempt fails.
     */
    @FunctionalInterface
    private interface ContentWriter {
        ObjectFileWriter.Written write(Path dir, Instant lastModified, boolean force)
                throws IOException, StorageException;
    }

    private StoredObject put(String bucket, String key, PutOptions options, ContentWriter content)
            throws StorageException {
        Path target = objectFile(bucketDir(bucket), key);
        Path dir = target.getParent();
        boolean force = fsync.forces(options);
        ObjectFileWriter.Written written = null;
        boolean renamed = false;
        long start = nanoTime.getAsLong();
        try {
            try {
                written = content.write(dir, now(), force);
            } catch (NoSuchFileException e) { // first object under this prefix: one mkdir, not one per put
                writer.forgetSpares(dir); // or a spare file was deleted under us: the retry creates its own
                Files.createDirectories(dir);
                written = content.write(dir, now(), force);
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
                if (retired != null && !(moved && writer.keepReplaced(dir, retired, options, written.object()))) {
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
     * {@link ObjectFileWriter#RECYCLE_QUARANTINE}, so a reader that stalled that long between its {@code open} and
     * its reads could see parts of two versions. A mismatch (or a header that no longer fits the file) reads again
     * from the path, up to {@link #SMALL_READ_ATTEMPTS} times; then the object is reported unreadable rather than
     * served wrong.
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
     * ({@link ObjectFileWriter#keepReplaced}), and otherwise unlinked by {@link #unlinker}, off the lane.
     *
     * @return the temporary name, or null when there is no object to replace (it was deleted since the caller
     *         saw it) or no hard links here
     */
    private Path retire(Path target, Path dir) {
        Path retired = names.next(dir, RETIRED_SUFFIX);
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
        String report = writer.liveOutputReport();
        if (report != null) {
            log.info("{}; puts of {} ms or more: {}", report, SlowPuts.THRESHOLD.toMillis(), slowPuts.count());
        }
        writer.close();
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

    static void deleteQuietly(Path temp) {
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
