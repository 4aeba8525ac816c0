package io.livechannel.storage.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Empty files created ahead of need, a few per directory that live output goes to, so that a put of a new object
 * (every segment) writes into a file that already exists instead of creating one ({@link FileSystemObjectStore}).
 * A {@link #take} hands one over and asks this class's own thread to create a replacement.
 *
 * <p>Why (issue 9): creating a file allocates an inode, and ext4 reads the inode table block that holds it
 * ({@code __ext4_new_inode} → {@code ext4_get_inode_loc}). When the device is busy with a cache flush (the catalog's
 * WAL checkpoint fsyncs, and a flush took 360 ms on this VM's virtual disk), that read waits behind it, and so did
 * every store write thread, each creating its segment's file: the playlists of every channel were late by the flush
 * (diagnostic run d5, session 13). Moved here, the wait holds only the thread that makes spares; a put finds a
 * spare made before the flush began. The work is the same, on another thread.
 *
 * <p>Lifecycle: a directory gets spares from its first {@link #take} on, up to {@link #perDirectory}; a directory
 * whose spares were not taken for {@link #maxIdle} (its channel stopped) has them unlinked by {@link #sweep}. Spares
 * are temporary files ({@link FileSystemObjectStore#TEMP_PREFIX}), hidden from listings and deleted by the next open
 * after a crash. {@link #discardUnder} forgets a bucket's spares before the bucket is deleted, and waits for a spare
 * being created, so that none appears in a directory being removed.
 *
 * <p>Threading: thread-safe; {@link #take} takes one short lock and does no I/O. One daemon thread,
 * {@code storage-fs-spares}, creates the files.
 */
final class SpareFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpareFiles.class);

    /** A directory's spares, oldest first, and when one was last asked for. */
    private static final class Spares {
        final ArrayDeque<Path> files = new ArrayDeque<>();
        long lastTakeNanos;
    }

    private final LongSupplier nanoTime;
    private final int perDirectory;
    private final long maxIdleNanos;
    /** A new temporary name in a directory. */
    private final Function<Path, Path> newName;
    private final Consumer<Path> unlink;
    private final ExecutorService creator = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "storage-fs-spares");
        t.setDaemon(true);
        return t;
    });
    /** Held while a spare is created and registered, so that {@link #discardUnder} waits for one under way. */
    private final Object creating = new Object();
    private final Map<Path, Spares> byDirectory = new HashMap<>(); // guarded by this
    /** Directories with a refill queued on {@link #creator} and not started yet. */
    private final Set<Path> refillQueued = new HashSet<>(); // guarded by this
    private boolean closed; // guarded by this
    private final LongAdder taken = new LongAdder();
    private final LongAdder missed = new LongAdder();

    /**
     * @param perDirectory how many spares a directory keeps ready
     * @param maxIdle how long a directory's spares wait for a {@link #take} before {@link #sweep} unlinks them
     * @param newName a new temporary name in a directory
     * @param unlink unlinks a file that is no longer kept (the store's unlinker thread)
     */
    SpareFiles(LongSupplier nanoTime, int perDirectory, Duration maxIdle, Function<Path, Path> newName,
               Consumer<Path> unlink) {
        if (perDirectory < 1 || maxIdle.isNegative() || maxIdle.isZero()) {
            throw new IllegalArgumentException("need perDirectory >= 1 and a positive maxIdle: " + perDirectory
                    + ", " + maxIdle);
        }
        this.nanoTime = nanoTime;
        this.perDirectory = perDirectory;
        this.maxIdleNanos = maxIdle.toNanos();
        this.newName = newName;
        this.unlink = unlink;
    }

    /**
     * An empty file in {@code dir}, now the caller's, or null when none is ready (the caller creates its own); either
     * way {@code dir} is topped up to {@link #perDirectory} spares in the background.
     */
    Path take(Path dir) {
        Path file;
        boolean refill;
        synchronized (this) {
            if (closed) {
                return null;
            }
            Spares spares = byDirectory.computeIfAbsent(dir, d -> new Spares());
            spares.lastTakeNanos = nanoTime.getAsLong();
            file = spares.files.pollFirst();
            refill = refillQueued.add(dir);
        }
        (file == null ? missed : taken).increment();
        if (refill) {
            try {
                creator.execute(() -> refill(dir));
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    refillQueued.remove(dir); // closing
                }
            }
        }
        return file;
    }

    /** Creates spares in {@code dir} until it has {@link #perDirectory}; on {@link #creator}. */
    private void refill(Path dir) {
        synchronized (this) {
            refillQueued.remove(dir);
        }
        while (true) {
            synchronized (creating) {
                synchronized (this) {
                    Spares spares = byDirectory.get(dir);
                    if (closed || spares == null || spares.files.size() >= perDirectory) {
                        return;
                    }
                }
                Path file = newName.apply(dir);
                try {
                    Files.createFile(file);
                } catch (IOException e) { // a directory deleted meanwhile, a full disk: puts create their own
                    log.debug("cannot create a spare file in {}: {}", dir, e.toString());
                    return;
                }
                boolean kept;
                synchronized (this) {
                    Spares spares = byDirectory.get(dir);
                    kept = !closed && spares != null;
                    if (kept) {
                        spares.files.addLast(file);
                    }
                }
                if (!kept) {
                    unlink.accept(file);
                }
            }
        }
    }

    /**
     * Drops {@code dir}'s spares, unlinking those still there: a put found its directory or its spare missing, so the
     * rest are suspect. Later takes start afresh.
     */
    void forget(Path dir) {
        Spares dropped;
        synchronized (this) {
            dropped = byDirectory.remove(dir);
        }
        if (dropped != null) {
            dropped.files.forEach(unlink);
        }
    }

    /**
     * Forgets the spares of every directory under {@code top} (a bucket about to be deleted, which deletes them with
     * everything else), after waiting for a spare being created to be registered.
     */
    void discardUnder(Path top) {
        synchronized (creating) {
            synchronized (this) {
                byDirectory.keySet().removeIf(dir -> dir.startsWith(top));
                refillQueued.removeIf(dir -> dir.startsWith(top));
            }
        }
    }

    /** Unlinks the spares of every directory not taken from for the idle limit; returns how many files. */
    int sweep() {
        List<Path> idle = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            for (Iterator<Spares> dirs = byDirectory.values().iterator(); dirs.hasNext(); ) {
                Spares spares = dirs.next();
                if (now - spares.lastTakeNanos >= maxIdleNanos) {
                    idle.addAll(spares.files);
                    dirs.remove();
                }
            }
        }
        idle.forEach(unlink);
        return idle.size();
    }

    /** Spares ready now, in all directories; for tests. */
    synchronized int size() {
        int n = 0;
        for (Spares spares : byDirectory.values()) {
            n += spares.files.size();
        }
        return n;
    }

    /** Takes that got a spare, and those that found none; for the store's close log. */
    long taken() {
        return taken.sum();
    }

    long missed() {
        return missed.sum();
    }

    /** Stops making spares and unlinks those ready; waits up to 5 s for a file being created. */
    @Override
    public void close() {
        List<Path> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            byDirectory.values().forEach(spares -> all.addAll(spares.files));
            byDirectory.clear();
            refillQueued.clear();
        }
        creator.shutdown();
        all.forEach(unlink);
        try {
            if (!creator.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("a spare file is still being created at close; the next open removes it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
