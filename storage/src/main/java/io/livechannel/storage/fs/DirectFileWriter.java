package io.livechannel.storage.fs;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes live output past the page cache ({@link DirectIo#AUTO}): the object file's whole blocks with
 * {@code O_DIRECT}, the last partial block (if any) through the page cache, so the file holds exactly header and
 * content. Objects smaller than one block or larger than {@link #MAX_OBJECT_BYTES} go through the page cache.
 *
 * <p>Why: a buffered write copies every byte into page-cache memory and leaves it dirty for the kernel's writeback,
 * which throttles every writer in bursts; on a virtual machine that copy cost several times the direct write's CPU.
 * A direct write copies once into a pooled aligned buffer and leaves nothing dirty. The price: the first read of
 * such a segment comes from the device, not from memory.
 *
 * <p>One fixed wait, one fallback: the device write runs on a {@code storage-fs-direct-N} thread and the put waits
 * for it at most {@link #WAIT}. A write not done by then, one that fails, or one that finds all
 * {@link #MAX_THREADS} threads busy (the device holds that many abandoned writes) is written again through the
 * page cache under another name; an abandoned write finishes on its thread and deletes its file. A forced write
 * ({@link FsyncPolicy}) is written on the caller's thread without the wait: the page cache's fsync would wait for the
 * same device.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><th>limit</th><th>value</th><th>why</th></tr>
 *   <tr><td>{@link #WAIT}</td><td>20 ms</td><td>a playlist must be readable within 50 ms of its segment's cut;
 *       a half-MiB segment's direct write takes about a millisecond on a disk that is not stalled</td></tr>
 *   <tr><td>{@link #MAX_OBJECT_BYTES}</td><td>4 MiB</td><td>written within the wait at 200 MB/s</td></tr>
 *   <tr><td>{@link #MAX_THREADS}</td><td>16</td><td>the store's write threads, plus abandoned writes</td></tr>
 *   <tr><td>pooled buffers</td><td>{@link #MAX_THREADS}, each at most {@link #MAX_OBJECT_BYTES} and a block</td>
 *       <td>one per thread: at most 64 MiB of direct memory</td></tr>
 * </table>
 *
 * <p>Threading: thread-safe. Not final only so that tests can hold the device write ({@link #writeFile}).
 */
class DirectFileWriter implements LiveFileWriter {
    private static final Logger log = LoggerFactory.getLogger(DirectFileWriter.class);
    static final Duration WAIT = Duration.ofMillis(20);
    static final int MAX_OBJECT_BYTES = 4 * 1024 * 1024;
    static final int MAX_THREADS = 16;
    /** Block sizes above this are refused by {@link #probe}. */
    static final int MAX_BLOCK_BYTES = 64 * 1024;
    private static final int MIN_BUFFER_BYTES = 1024 * 1024;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final int blockSize;
    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ThreadPoolExecutor threads;
    private final AtomicBoolean fellBack = new AtomicBoolean();

    /** A writer aligned to {@code blockSize}, unprobed; {@link #probe} is what the store uses. */
    DirectFileWriter(int blockSize) {
        this.blockSize = blockSize;
        this.threads = new ThreadPoolExecutor(0, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "storage-fs-direct-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A direct writer for files under {@code dir}, or the {@link BufferedFileWriter} when its file system refuses
     * {@code O_DIRECT} (tmpfs before Linux 6.6, some network file systems) or its block size is unusable: found by
     * writing and deleting one block under a temporary name (which the store's next open removes if a crash
     * leaves it). Logs which at INFO.
     */
    static LiveFileWriter probe(Path dir) {
        Path probe = TempNames.next(dir);
        try {
            long size = Files.getFileStore(dir).getBlockSize();
            if (size < 512 || size > MAX_BLOCK_BYTES || Long.bitCount(size) != 1) {
                log.info("live output through the page cache under {}: block size {} is not a power of two from "
                        + "512 to 64 KiB", dir, size);
                return BufferedFileWriter.INSTANCE;
            }
            DirectFileWriter writer = new DirectFileWriter((int) size);
            ByteBuffer block = writer.take((int) size).limit((int) size);
            writer.writeFile(probe, block, false);
            log.info("live output with O_DIRECT under {} ({}-byte blocks)", dir, size);
            return writer;
        } catch (IOException | UnsupportedOperationException e) {
            log.info("live output through the page cache under {}: O_DIRECT refused ({})", dir, e.toString());
            return BufferedFileWriter.INSTANCE;
        } finally {
            FileSystemObjectStore.deleteQuietly(probe);
        }
    }

    @Override
    public Written write(Path dir, ObjectFile.Layout layout, boolean force) throws IOException {
        long length = layout.fileBytes();
        if (length < blockSize || length > MAX_OBJECT_BYTES) {
            return BufferedFileWriter.INSTANCE.write(dir, layout, force);
        }
        Path file = TempNames.next(dir);
        ByteBuffer aligned = fill(layout);
        Throwable failure;
        if (force) {
            failure = writeHere(file, aligned);
        } else {
            DeviceWrite write = new DeviceWrite(file, aligned);
            try {
                threads.execute(write);
                failure = write.await();
            } catch (RejectedExecutionException e) { // every thread holds a write the device has not finished
                give(aligned);
                failure = e;
            }
        }
        if (failure == null) {
            return new Written(file, layout.object(), true);
        }
        if (failure instanceof NoSuchFileException missing) {
            throw missing; // no directory: a buffered write would fail the same way
        }
        if (!(failure instanceof TimeoutException)) {
            FileSystemObjectStore.deleteQuietly(file); // an abandoned write deletes its own when it ends
        }
        fellBack(layout.object().key(), failure);
        return BufferedFileWriter.INSTANCE.write(dir, layout, force);
    }

    /** A forced write on the caller's thread; returns its failure or null. */
    private Throwable writeHere(Path file, ByteBuffer aligned) {
        try {
            writeFile(file, aligned, true);
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        } finally {
            give(aligned);
        }
    }

    private void fellBack(String key, Throwable why) {
        String reason = why instanceof TimeoutException ? "not done within " + WAIT.toMillis() + " ms"
                : why instanceof RejectedExecutionException ? "found all " + MAX_THREADS + " direct-write threads "
                        + "busy" : "failed (" + why + ")";
        if (fellBack.compareAndSet(false, true)) {
            log.info("direct write of {} {}: written through the page cache (later fallbacks at DEBUG; the "
                    + "livechannel.storage.fs.put timer counts them as write=buffered)", key, reason);
        } else {
            log.debug("direct write of {} {}: written through the page cache", key, reason);
        }
    }

    /**
     * A pooled aligned buffer holding the layout's header and content, from 0 to the file's length; the layout's
     * buffers do not move and are not needed once this returns.
     */
    private ByteBuffer fill(ObjectFile.Layout layout) {
        ByteBuffer buf = take(Math.toIntExact(layout.fileBytes()));
        return buf.put(layout.header().duplicate()).put(layout.content().duplicate()).flip();
    }

    /**
     * Creates {@code file} (which must not exist) holding {@code aligned}'s remaining bytes: the whole blocks with
     * {@code O_DIRECT}, then the rest through the page cache. This is the part that waits for the device; tests
     * override it to hold a write.
     *
     * @param force whether to fsync the file before returning (fsync covers the file, whichever channel wrote)
     * @throws NoSuchFileException when {@code file}'s directory does not exist
     */
    void writeFile(Path file, ByteBuffer aligned, boolean force) throws IOException {
        int length = aligned.limit();
        int whole = length & -blockSize;
        try (FileChannel direct = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            writeFully(direct, aligned.limit(whole));
            if (whole < length) {
                try (FileChannel tail = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    writeFully(tail.position(whole), aligned.limit(length));
                }
            }
            if (force) {
                direct.force(true);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** A cleared block-aligned buffer of at least {@code bytes}, from the pool when one is large enough. */
    private ByteBuffer take(int bytes) {
        ByteBuffer pooled = pool.poll();
        if (pooled != null && pooled.capacity() >= bytes) {
            return pooled.clear();
        }
        int capacity = (Math.max(bytes, MIN_BUFFER_BYTES) + blockSize - 1) & -blockSize;
        return ByteBuffer.allocateDirect(capacity + blockSize).alignedSlice(blockSize);
    }

    private void give(ByteBuffer buf) {
        if (pool.size() < MAX_THREADS) {
            pool.offer(buf);
        }
    }

    /**
     * Waits up to {@link #CLOSE_WAIT} for abandoned writes still under way, which delete their files when they end;
     * one the device holds longer leaves its file to the next open.
     */
    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("direct writes still under way at close; the next open removes their files");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One device write on a direct-write thread. Whoever settles {@link #done} first decides: the write (done in
     * time, or failed) or the waiting put (abandoned it by cancelling); an abandoned write deletes its file.
     * The aligned buffer is this write's until it ends, then goes back to the pool.
     */
    private final class DeviceWrite implements Runnable {
        private final Path file;
        private final ByteBuffer aligned;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        DeviceWrite(Path file, ByteBuffer aligned) {
            this.file = file;
            this.aligned = aligned;
        }

        @Override
        public void run() {
            boolean settled;
            try {
                writeFile(file, aligned, false);
                settled = done.complete(null);
            } catch (IOException | RuntimeException e) {
                settled = done.completeExceptionally(e);
            } finally {
                give(aligned);
            }
            if (!settled) {
                FileSystemObjectStore.deleteQuietly(file);
            }
        }

        /** Null when the file is written; its failure; or a {@link TimeoutException} when abandoned. */
        Throwable await() throws InterruptedIOException {
            try {
                done.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                return done.cancel(false) ? e : done.handle((v, failure) -> failure).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (done.cancel(false)) {
                    throw new InterruptedIOException("interrupted waiting for the direct write of " + file);
                }
                return done.handle((v, failure) -> failure).join();
            }
        }
    }
}
