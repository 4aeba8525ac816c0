package io.livechannel.storage.fs;

import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The first step of a put of a laid-out object ({@link ObjectFile.Layout}): its file, written under a temporary name
 * in the target's directory, which {@link FileSystemObjectStore} then renames over the target. Chooses how (directly
 * with {@link DirectWriter} or through the page cache, see {@link #write}) and into which file: a replaced version
 * kept for its inode ({@link RecycledFiles}), an empty spare made ahead of need ({@link SpareFiles}), or a new one.
 *
 * <p>Why a class of its own: the direct path's patience, pauses and probes, and the two pools of files it writes
 * into, are what decides the live path's latency on a busy disk (issue 9); the store around it is about keys,
 * names, renames and reads.
 *
 * <p>Threading: thread-safe; {@link #write} blocks for the file system (at most the patience for a direct write),
 * so it runs on the store's callers' threads, never an event loop.
 */
final class ObjectFileWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObjectFileWriter.class);
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
    /**
     * How long a replaced file waits before it is reused: far beyond a read of a small object, which opens, reads
     * whole and closes within one {@link FileSystemObjectStore#get}; a reader stalled longer still never serves a mix
     * of two versions (the checksum check there). Short, so that a channel has a kept file ready a few versions after
     * it starts (for writes in a pause, {@link #overwriteKept}); it was a minute until session 13.
     */
    static final Duration RECYCLE_QUARANTINE = Duration.ofSeconds(5);
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
    /** How often {@link #sweep} should run: a third of the idle limits. */
    static final Duration SWEEP_INTERVAL = RECYCLE_MAX_IDLE.dividedBy(3);

    /**
     * Writes live output past the page cache; null when the file system cannot (see {@link DirectWriter}), and set
     * to null when a direct write fails where a buffered one works ({@link #write}).
     */
    private volatile DirectWriter direct;
    private final LongSupplier nanoTime;
    private final Duration directPatience;
    private final TempNames names;
    private final DirectWriteThreads directThreads;
    /** Until when ({@link #nanoTime}) live output goes through the page cache after a slow direct write. */
    private final AtomicLong directPausedUntilNanos;
    /** When ({@link #nanoTime}) the next probe may go directly in a pause ({@link #probeDue}). */
    private final AtomicLong nextProbeNanos;
    /** Replaced small live objects kept for their inodes. */
    private final RecycledFiles recycled;
    /** Empty files made ahead of need, which live output is written into instead of new files. */
    private final SpareFiles spares;
    /** Pauses ended early by a probe: for close. */
    private final LongAdder pausesEndedByProbe = new LongAdder();
    /** Live puts written directly, those written through the page cache meanwhile, slow direct writes: for close. */
    private final LongAdder liveWritesDirect = new LongAdder();
    private final LongAdder liveWritesBuffered = new LongAdder();
    /** Of {@link #liveWritesBuffered}, those written into kept files ({@link #overwriteKept}). */
    private final LongAdder keptFilesOverwritten = new LongAdder();
    private final AtomicLong slowDirectWrites = new AtomicLong();
    private final AtomicLong abandonedTotal = new AtomicLong();

    /**
     * @param direct writes live output directly, or null to write everything through the page cache
     * @param nanoTime times direct writes and pauses
     * @param directPatience how long (real time) a put waits for a direct write before going through the page cache
     * @param unlink unlinks a kept or spare file no longer needed (the store's unlinker thread)
     */
    ObjectFileWriter(DirectWriter direct, LongSupplier nanoTime, Duration directPatience, TempNames names,
                     Consumer<Path> unlink) {
        this.direct = direct;
        this.nanoTime = nanoTime;
        this.directPatience = directPatience;
        this.names = names;
        this.directThreads = new DirectWriteThreads(nanoTime, this::abandonedWriteEnded);
        this.directPausedUntilNanos = new AtomicLong(nanoTime.getAsLong()); // not paused: nanoTime may be < 0
        this.nextProbeNanos = new AtomicLong(nanoTime.getAsLong());
        this.recycled = new RecycledFiles(nanoTime, RECYCLE_QUARANTINE, RECYCLE_MAX_IDLE, RECYCLED_PER_DIRECTORY,
                unlink);
        this.spares = new SpareFiles(nanoTime, SPARES_PER_DIRECTORY, SPARE_MAX_IDLE,
                dir -> names.next(dir, FileSystemObjectStore.SPARE_SUFFIX), unlink);
    }

    /** A file holding a whole object, not yet under its key, and that object. */
    record Written(Path file, StoredObject object) {
    }

    /** Whether live output is written past the page cache. */
    boolean writesDirect() {
        return direct != null;
    }

    /** Direct writes that a put stopped waiting for and that the device still holds. */
    int abandonedUnderWay() {
        return directThreads.abandonedUnderWay();
    }

    /**
     * Keeps {@code retired}, the temporary name of the version that {@code replacement} replaced in {@code dir}, for
     * a later version's write ({@link RecycledFiles}) when it is small live output in a store that writes directly
     * (only direct writes reuse kept files, see {@link #write}); returns false when it is not kept.
     */
    boolean keepReplaced(Path dir, Path retired, PutOptions options, StoredObject replacement) {
        if (direct == null || options.origin() != PutOptions.Origin.LIVE_OUTPUT
                || replacement.size() > FileSystemObjectStore.RECYCLE_MAX_BYTES) {
            return false;
        }
        recycled.keep(dir, retired);
        return true;
    }

    /** A put found {@code dir} or a spare file in it missing: its spares are suspect ({@link SpareFiles#forget}). */
    void forgetSpares(Path dir) {
        spares.forget(dir);
    }

    /** The bucket under {@code bucketDir} is about to be deleted ({@link SpareFiles#discardUnder}). */
    void discardSparesUnder(Path bucketDir) {
        spares.discardUnder(bucketDir);
    }

    /** Unlinks kept and spare files unused for their idle limits; every {@link #SWEEP_INTERVAL}. */
    void sweep() {
        recycled.sweep();
        spares.sweep();
    }

    /**
     * Writes {@code layout} into a file of {@code dir}, not yet under its key: live output directly when this store
     * writes directly, anything else through the page cache. A direct write waits for the disk, a buffered one only
     * for memory, so a direct write of live output that is not forced waits
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
    Written write(Path dir, ObjectFile.Layout layout, PutOptions options, boolean force) throws IOException {
        DirectWriter writer = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? direct : null;
        boolean probe = false;
        if (writer != null && !writer.accepts(layout.fileBytes())) {
            writer = null;
        } else if (writer != null && directWritesPaused()) {
            probe = probeDue();
            if (!probe) {
                liveWritesBuffered.increment();
                Path kept = layout.fileBytes() <= FileSystemObjectStore.RECYCLE_MAX_BYTES && writer.blocksArePages()
                        ? recycled.take(dir) : null;
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
        Path reused = layout.fileBytes() <= FileSystemObjectStore.RECYCLE_MAX_BYTES ? recycled.take(dir) : null;
        if (reused == null) {
            reused = spares.take(dir);
        }
        Path temp = reused != null ? reused : names.next(dir);
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
            FileSystemObjectStore.deleteQuietly(temp);
            Written written = writeBuffered(dir, layout, options, force);
            if (direct != null) {
                direct = null;
                log.warn("direct write of {} failed ({}) but a buffered one worked: live output goes through the "
                        + "page cache from now on", layout.object().key(), e.toString());
            }
            return written;
        }
        liveWritesDirect.increment();
        directWriteTook(layout.object().key(), nanoTime.getAsLong() - start, probe);
        return new Written(temp, layout.object());
    }

    /** A direct write of {@code key} took {@code took} ns: a slow one pauses direct writes, a quick probe ends that. */
    private void directWriteTook(String key, long took, boolean probe) {
        if (took >= SLOW_DIRECT_WRITE.toNanos()) {
            long pause = pauseDirectWrites(took);
            if (slowDirectWrites.getAndIncrement() == 0) { // the rest at DEBUG, and counted at close
                log.info("direct write of {} took {} ms: live output goes through the page cache for {} ms (and "
                        + "after each later slow direct write)", key, took / 1_000_000, pause / 1_000_000);
            } else {
                log.debug("direct write of {} took {} ms: page cache for {} ms", key, took / 1_000_000,
                        pause / 1_000_000);
            }
        } else if (probe && directThreads.abandonedUnderWay() == 0) {
            directPausedUntilNanos.set(nanoTime.getAsLong()); // the device answers again: the pause is over
            pausesEndedByProbe.increment();
            log.debug("direct write of {} took {} ms in a pause: direct writes resume", key, took / 1_000_000);
        }
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
            FileSystemObjectStore.deleteQuietly(kept);
            return writeBuffered(dir, layout, options, force);
        }
        keptFilesOverwritten.increment();
        return new Written(kept, layout.object());
    }

    /** Through the page cache, into a spare file ({@link #spares}) when the object is live output and one is ready. */
    private Written writeBuffered(Path dir, ObjectFile.Layout layout, PutOptions options, boolean force)
            throws IOException {
        Path spare = options.origin() == PutOptions.Origin.LIVE_OUTPUT ? spares.take(dir) : null;
        Path temp = spare != null ? spare : names.next(dir);
        try {
            ObjectFile.writeBuffered(temp, layout, force, spare != null);
        } catch (IOException | RuntimeException e) {
            FileSystemObjectStore.deleteQuietly(temp);
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

    /** What live output went where, for the store's close log; null when there was none. */
    String liveOutputReport() {
        if (liveWritesDirect.sum() + liveWritesBuffered.sum() == 0) {
            return null;
        }
        return "live output written directly: " + liveWritesDirect.sum() + " objects; through the page cache after "
                + slowDirectWrites.get() + " slow direct writes and " + abandonedTotal.get() + " abandoned ones: "
                + liveWritesBuffered.sum() + " (" + keptFilesOverwritten.sum() + " into kept files); pauses ended by "
                + "a probe: " + pausesEndedByProbe.sum() + "; spare files taken: " + spares.taken() + ", none ready: "
                + spares.missed();
    }

    /** Unlinks the kept and spare files; abandoned direct writes still under way delete their own files. */
    @Override
    public void close() {
        directThreads.close();
        spares.close();
        recycled.clear();
    }
}
