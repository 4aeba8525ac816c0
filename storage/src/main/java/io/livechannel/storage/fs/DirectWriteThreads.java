package io.livechannel.storage.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs the part of a direct write that waits for the device ({@link DirectWriter#writeFile}) on threads of its own,
 * so that a put waits for it at most a set patience. A write still under way after that is <em>abandoned</em>: the
 * put goes on without it (the store then writes the object through the page cache under another name), and the
 * write finishes on its thread, deletes its file and reports how long it took to {@link LateEnd}.
 *
 * <p>Why (issue 9): a virtual disk sometimes stalls every direct write for hundreds of milliseconds. A put that waits
 * the stall out holds its channel's lane (the playlist waits for the segment), and the store's few write threads all
 * end up waiting in the same stall, so every channel's playlist is late by the stall. Memory does not stall: the
 * same bytes written through the page cache take a millisecond or two.
 *
 * <p>Ownership: the aligned buffer passes to the write's thread, which gives it back to the {@link DirectWriter} when
 * the write ends, whether or not it was abandoned; the caller must not touch it after {@link #write}. The caller's
 * own content was copied into it before ({@link DirectWriter#fill}), so an abandoned write never reads the caller's
 * memory.
 *
 * <p>Threads: daemon threads named {@code storage-fs-direct-N}, made on demand and ended after a minute idle. Their
 * number is bounded by the callers: each caller waits for its own write, and the store sends nothing new here
 * while an abandoned write is still under way ({@link FileSystemObjectStore}), so at most twice the store's
 * concurrent puts. Cost: one hand-off to a thread and back per direct write.
 */
final class DirectWriteThreads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectWriteThreads.class);
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    /** What an abandoned write reports when it ends, on its own thread. */
    @FunctionalInterface
    interface LateEnd {
        /** @param failure why it failed, or null when the device took it (its file is deleted either way) */
        void ended(Path file, long tookNanos, IOException failure);
    }

    private final LongSupplier nanoTime;
    private final LateEnd lateEnd;
    private final AtomicLong threadNumber = new AtomicLong();
    private final AtomicInteger abandonedUnderWay = new AtomicInteger();
    private final ThreadPoolExecutor threads;

    DirectWriteThreads(LongSupplier nanoTime, LateEnd lateEnd) {
        this.nanoTime = nanoTime;
        this.lateEnd = lateEnd;
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "storage-fs-direct-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Writes {@code aligned} to the new file {@code file} (or over the {@code existing} one) with {@code writer} on
     * one of these threads, waiting at most {@code patienceNanos}.
     *
     * @return true when the file is written; false when the write was abandoned (it goes on, and deletes the file
     *     when it ends)
     * @throws IOException what the write threw within the patience (its file, if any, is left to the caller), or
     *     {@link InterruptedIOException} when the caller was interrupted (the write is then abandoned)
     */
    boolean write(DirectWriter writer, Path file, ByteBuffer aligned, boolean force, boolean existing,
                  long patienceNanos) throws IOException {
        Write write = new Write(writer, file, aligned, force, existing);
        try {
            threads.execute(write);
        } catch (RejectedExecutionException e) { // closed: write on the caller's thread, as without these threads
            write.run();
        }
        try {
            return written(write.result.get(patienceNanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            if (abandon(write)) {
                return false;
            }
            return written(write.result.getNow(null)); // ended just now: its result is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (abandon(write)) {
                throw new InterruptedIOException("interrupted waiting for the direct write of " + file);
            }
            return written(write.result.getNow(null));
        } catch (ExecutionException e) {
            throw new IllegalStateException("a direct write completes with its failure, never exceptionally", e);
        }
    }

    /** Abandoned writes that have not ended yet (a stalled device still holds them). */
    int abandonedUnderWay() {
        return abandonedUnderWay.get();
    }

    private boolean abandon(Write write) {
        // counted before the write can end, so that its end never sees the count at zero
        abandonedUnderWay.incrementAndGet();
        if (write.state.compareAndSet(RUNNING, ABANDONED)) {
            return true;
        }
        abandonedUnderWay.decrementAndGet();
        return false;
    }

    /** True for a write that ended with no {@code failure}; else throws it. */
    private static boolean written(IOException failure) throws IOException {
        if (failure != null) {
            throw failure;
        }
        return true;
    }

    /** Abandoned writes still under way keep their threads; they delete their files when they end. */
    @Override
    public void close() {
        threads.shutdown();
    }

    private final class Write implements Runnable {
        final DirectWriter writer;
        final Path file;
        final ByteBuffer aligned;
        final boolean force;
        final boolean existing;
        final AtomicInteger state = new AtomicInteger(RUNNING);
        /** Completed (with null, or the write's failure) unless abandoned. */
        final CompletableFuture<IOException> result = new CompletableFuture<>();

        Write(DirectWriter writer, Path file, ByteBuffer aligned, boolean force, boolean existing) {
            this.writer = writer;
            this.file = file;
            this.aligned = aligned;
            this.force = force;
            this.existing = existing;
        }

        @Override
        public void run() {
            long start = nanoTime.getAsLong();
            IOException failure = null;
            try {
                if (state.get() == RUNNING) { // abandoned before it started: nothing to write or delete
                    writer.writeFile(file, aligned, force, existing);
                }
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                failure = new IOException("direct write of " + file + " failed", e);
            } finally {
                writer.give(aligned);
            }
            if (state.compareAndSet(RUNNING, DONE)) {
                result.complete(failure);
                return;
            }
            long took = nanoTime.getAsLong() - start;
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot delete {} (an abandoned direct write; the next open removes it): {}", file,
                        e.toString());
            }
            try {
                lateEnd.ended(file, took, failure);
            } finally {
                abandonedUnderWay.decrementAndGet(); // after what the end reports is in place
            }
        }
    }
}
