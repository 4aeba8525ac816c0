package io.livechannel.storage.fs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Replaced versions of small live objects (playlists), kept under their temporary names so that a later version in
 * the same directory is written into one of their inodes instead of a new one ({@link FileSystemObjectStore#put}),
 * in whole blocks (a direct write; while direct writes pause, the same blocks through the page cache), so it never
 * reads the old block first, as a buffered write of part of a page that is not cached would.
 *
 * <p>Why (issue 9): every live playlist write replaced a file, so the server freed one inode and allocated another
 * per segment, 250 of each per second at 500 publishers. On ext4 without a journal (this VM's disk, and many cloud
 * images) the inode allocator skips every inode freed in the last one to six minutes, reading each one's deletion
 * time ({@code recently_deleted} under {@code __ext4_new_inode}): that scan was 15.7 % of the server's CPU samples.
 * A reused inode is neither freed nor allocated, its block stays allocated (no TRIM with {@code discard}), and the
 * rename that makes it the current version is the same atomic step as before.
 *
 * <p>Readers: a file is reused only once it has been retired for {@link #quarantine}; readers open a file, read a
 * small object whole and close it within one call ({@code FileSystemObjectStore.get} reads small objects eagerly),
 * so none still reads an old version when its inode is overwritten; one that stalled that long between its open and
 * its reads sees a content that does not match its checksum, and reads again.
 *
 * <p>Limits: at most {@link #perDirectory} files per directory (the oldest beyond that is unlinked); a file kept
 * longer than {@link #maxIdle} (a channel that stopped) is unlinked by {@link #sweep}. Unlinking is handed to
 * {@code unlink} (the store's unlinker thread). Leftovers after a crash are temporary files, which the next open
 * deletes.
 *
 * <p>Threading: thread-safe; every method takes one short lock and does no I/O.
 */
final class RecycledFiles {
    private record Kept(Path file, long retiredNanos) {
    }

    private final LongSupplier nanoTime;
    private final long quarantineNanos;
    private final long maxIdleNanos;
    private final int perDirectory;
    private final Consumer<Path> unlink;
    private final Map<Path, ArrayDeque<Kept>> byDirectory = new HashMap<>(); // guarded by this
    private int size; // guarded by this

    /**
     * @param quarantine how long a file stays retired before it is reused
     * @param maxIdle how long a file may be kept unused before {@link #sweep} unlinks it; more than {@code quarantine}
     */
    RecycledFiles(LongSupplier nanoTime, Duration quarantine, Duration maxIdle, int perDirectory,
                  Consumer<Path> unlink) {
        if (maxIdle.compareTo(quarantine) <= 0 || perDirectory < 1) {
            throw new IllegalArgumentException("need quarantine < maxIdle and perDirectory >= 1: " + quarantine
                    + ", " + maxIdle + ", " + perDirectory);
        }
        this.nanoTime = nanoTime;
        this.quarantineNanos = quarantine.toNanos();
        this.maxIdleNanos = maxIdle.toNanos();
        this.perDirectory = perDirectory;
        this.unlink = unlink;
    }

    /** The oldest file of {@code dir} retired at least the quarantine ago, now the caller's; null when none is. */
    synchronized Path take(Path dir) {
        ArrayDeque<Kept> kept = byDirectory.get(dir);
        if (kept == null || nanoTime.getAsLong() - kept.peekFirst().retiredNanos() < quarantineNanos) {
            return null;
        }
        Path file = kept.pollFirst().file();
        size--;
        if (kept.isEmpty()) {
            byDirectory.remove(dir);
        }
        return file;
    }

    /** Keeps {@code file}, an object's retired name in {@code dir}, for reuse; the directory's oldest may go. */
    void keep(Path dir, Path file) {
        Path dropped = null;
        synchronized (this) {
            ArrayDeque<Kept> kept = byDirectory.computeIfAbsent(dir, d -> new ArrayDeque<>());
            kept.addLast(new Kept(file, nanoTime.getAsLong()));
            size++;
            if (kept.size() > perDirectory) {
                dropped = kept.pollFirst().file();
                size--;
            }
        }
        if (dropped != null) {
            unlink.accept(dropped);
        }
    }

    /** Unlinks every file kept longer than the idle limit; returns how many. */
    int sweep() {
        List<Path> idle = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            for (Iterator<ArrayDeque<Kept>> dirs = byDirectory.values().iterator(); dirs.hasNext(); ) {
                ArrayDeque<Kept> kept = dirs.next();
                while (!kept.isEmpty() && now - kept.peekFirst().retiredNanos() >= maxIdleNanos) {
                    idle.add(kept.pollFirst().file());
                }
                if (kept.isEmpty()) {
                    dirs.remove();
                }
            }
            size -= idle.size();
        }
        idle.forEach(unlink);
        return idle.size();
    }

    /** Unlinks every file kept (the store is closing). */
    void clear() {
        List<Path> all = new ArrayList<>();
        synchronized (this) {
            byDirectory.values().forEach(kept -> kept.forEach(k -> all.add(k.file())));
            byDirectory.clear();
            size = 0;
        }
        all.forEach(unlink);
    }

    /** Files kept now; for tests and the close log. */
    synchronized int size() {
        return size;
    }
}
