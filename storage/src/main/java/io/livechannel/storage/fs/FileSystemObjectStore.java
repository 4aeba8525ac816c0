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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The embedded object store: {@code <root>/<bucket>/<encoded key path>}, one file per object (see
 * {@link KeyPathCodec} for the name mapping and {@link ObjectFile} for the format).
 *
 * <p>Every put lands the same way: write header and content to a new {@code .tmp-<token>-<n>} beside the target
 * (hidden from listings), fsync it if the {@link FsyncPolicy} says so, rename it atomically over the target, then
 * fsync the directory under the same condition. Readers open the file once and keep it, so they see the old object
 * or the whole new one. A crash or {@code kill -9} at any moment leaves at most a temporary file, which listings
 * ignore and the next open deletes; what a power loss leaves depends on the policy. Empty directories left by
 * deletes are harmless and removed with the bucket. A missing directory is created only when the write reports it
 * missing.
 *
 * <p>How the temporary file is written is a {@link LiveFileWriter}'s: uploads stream through the page cache
 * (computing the MD5 as they go); live output from a buffer goes to the writer chosen when the store opens
 * ({@link DirectIo}), whose ETag (CRC32C) is computed from the buffer first ({@link ObjectFile#layout}).
 *
 * <p>Metrics: the timer {@value #PUT_TIMER} (tags {@code origin} = {@code live_output}/{@code upload},
 * {@code write} = {@code direct}/{@code buffered}) times each put from the first byte written to the rename (and
 * directory fsync) done.
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
    static final String PUT_TIMER = "livechannel.storage.fs.put";

    private final Path root;
    private final Clock clock;
    private final FsyncPolicy fsync;
    private final LiveFileWriter liveWriter;
    private final Timer liveDirect;
    private final Timer liveBuffered;
    private final Timer uploads;
    /**
     * Unlinks the files of replaced live objects (playlists) off the write threads: the rename over a key would
     * otherwise free the old file's blocks inside the write, and on a file system mounted with {@code discard} that
     * is a synchronous TRIM, which a busy device can hold for hundreds of milliseconds. One thread, a bounded queue;
     * when it is full the write thread unlinks itself.
     */
    private final ThreadPoolExecutor unlinks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_UNLINKS), r -> {
                Thread t = new Thread(r, "storage-fs-unlink");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());

    /**
     * Opens (creating when missing) the store at {@code root}, deleting temporary files of killed writes.
     *
     * @param fsync which puts are forced to disk before they return
     * @param directIo whether live output is written with {@code O_DIRECT} where the file system takes it
     * @param meters where the {@value #PUT_TIMER} timer goes
     */
    /** Replaced files waiting for {@link #unlinks}: about a minute of playlists at 500 channels. */
    static final int MAX_QUEUED_UNLINKS = 16_384;

    public FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync, DirectIo directIo, MeterRegistry meters)
            throws StorageException {
        this(root, clock, fsync, Objects.requireNonNull(directIo, "directIo") == DirectIo.AUTO
                ? DirectFileWriter::probe : dir -> BufferedFileWriter.INSTANCE, meters);
    }

    /** As the public constructor, with the writer of live output that {@code liveWriter} makes for the root. */
    FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync, Function<Path, LiveFileWriter> liveWriter,
                          MeterRegistry meters) throws StorageException {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
        this.fsync = Objects.requireNonNull(fsync, "fsync");
        this.liveDirect = timer(meters, "live_output", "direct");
        this.liveBuffered = timer(meters, "live_output", "buffered");
        this.uploads = timer(meters, "upload", "buffered");
        try {
            Files.createDirectories(this.root);
            int removed = removeTemporaryFiles(this.root);
            this.liveWriter = liveWriter.apply(this.root);
            log.info("filesystem object store at {}, fsync {}, live output {} ({} leftover temporary files removed)",
                    this.root, fsync.name().toLowerCase(Locale.ROOT),
                    writesLiveOutputDirect() ? "direct (O_DIRECT)" : "through the page cache", removed);
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException(StorageException.Kind.IO, "cannot open object store at " + this.root, e);
        }
    }

    /** With {@link DirectIo#DEFAULT} and no meters. */
    public FileSystemObjectStore(Path root, Clock clock, FsyncPolicy fsync) throws StorageException {
        this(root, clock, fsync, DirectIo.DEFAULT, new CompositeMeterRegistry());
    }

    /** With {@link FsyncPolicy#DEFAULT}. */
    public FileSystemObjectStore(Path root, Clock clock) throws StorageException {
        this(root, clock, FsyncPolicy.DEFAULT);
    }

    /** With the system clock, {@link FsyncPolicy#DEFAULT} and {@link DirectIo#DEFAULT}. */
    public FileSystemObjectStore(Path root) throws StorageException {
        this(root, Clock.systemUTC());
    }

    private static Timer timer(MeterRegistry meters, String origin, String write) {
        return Timer.builder(PUT_TIMER).tag("origin", origin).tag("write", write)
                .description("filesystem store puts: temporary file written, renamed over the key (and fsynced per "
                        + "--fsync)").register(meters);
    }

    /** Whether live output is written past the page cache: {@link DirectIo#AUTO} and a file system that takes it. */
    public boolean writesLiveOutputDirect() {
        return liveWriter instanceof DirectFileWriter;
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
        return put(bucket, key, options, (dir, force) -> {
            Path temp = TempNames.next(dir);
            try {
                return new LiveFileWriter.Written(temp, ObjectFile.write(temp, key, data, length, options, now(),
                        force), false);
            } catch (IOException | StorageException | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            }
        });
    }

    /** Writes the buffer to the file without copying it on the Java side (or once, into an aligned buffer). */
    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        LiveFileWriter writer = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? liveWriter
                : BufferedFileWriter.INSTANCE;
        return put(bucket, key, options, (dir, force) -> writer.write(dir, ObjectFile.layout(key, data, options,
                now()), force));
    }

    /** MD5 for uploads, the CRC32C tag for live output: the same bytes {@code ObjectFile} writes. */
    @Override
    public String etagFor(ByteBuffer content, PutOptions options) {
        return ObjectFile.etag(content, options);
    }

    /** How a put fills a new temporary file in {@code dir}; on an exception it leaves no file behind. */
    @FunctionalInterface
    private interface ContentWriter {
        LiveFileWriter.Written write(Path dir, boolean force) throws IOException, StorageException;
    }

    private StoredObject put(String bucket, String key, PutOptions options, ContentWriter content)
            throws StorageException {
        Path target = objectFile(bucketDir(bucket), key);
        Path dir = target.getParent();
        boolean force = fsync.forces(options);
        long start = System.nanoTime();
        try {
            LiveFileWriter.Written written;
            try {
                written = content.write(dir, force);
            } catch (NoSuchFileException e) { // first object under this prefix: one mkdir, not one per put
                Files.createDirectories(dir);
                written = content.write(dir, force);
            }
            Path replaced = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? keepLinked(target) : null;
            try {
                Files.move(written.file(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(written.file());
                throw e;
            } finally {
                if (replaced != null) {
                    unlinks.execute(() -> deleteQuietly(replaced));
                }
            }
            if (force) {
                syncDirectory(dir);
            }
            Timer timer = options.origin() == PutOptions.Origin.UPLOAD ? uploads
                    : written.direct() ? liveDirect : liveBuffered;
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            log.debug("put {}/{} ({} bytes)", bucket, key, written.object().size());
            return written.object();
        } catch (IOException e) {
            throw io("put " + bucket + "/" + key, e);
        }
    }

    /**
     * A second name for {@code target}'s current file, so that renaming over it frees nothing ({@link #unlinks}
     * frees it); {@code null} when there is no such file or the link fails (the rename then frees it in place).
     */
    private static Path keepLinked(Path target) {
        Path link = TempNames.next(target.getParent());
        try {
            return Files.createLink(link, target);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("no second link for {}: {}", target, e.toString());
            return null;
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

    /** Returns once every replaced file handed to {@link #unlinks} so far is unlinked (the queue is in order). */
    void awaitUnlinks() throws InterruptedException, java.util.concurrent.ExecutionException {
        unlinks.submit(() -> { }).get();
    }

    /** Ends the direct writer's threads, waiting up to 5 s for abandoned direct writes to delete their files. */
    @Override
    public void close() {
        liveWriter.close();
        unlinks.shutdown();
        try {
            if (!unlinks.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("replaced files still being unlinked at close; the next open removes them");
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
