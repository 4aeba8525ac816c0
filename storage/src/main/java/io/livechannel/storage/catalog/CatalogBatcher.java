package io.livechannel.storage.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Applies the live path's catalog updates (a segment's index row once it is stored, a channel's playlist counters
 * once its playlist is) on one thread, {@code catalog-batch}, committing all the updates queued meanwhile in one
 * transaction ({@link MetadataStore#inOneTransaction}): a group commit.
 *
 * <p>Why (issue 9): at 500 publishers the write threads ran these updates themselves, two SQLite commits per
 * segment, about 500 a second. SQLite took about 10 % of the server's CPU samples, and a write thread waiting for
 * the catalog (its lock, a checkpoint's {@code fsync}) was not storing the next channel's playlist. Here the write
 * threads only queue the update, and one commit takes in everything queued since the last one. Commits start at
 * most once per {@code linger} (the server's is {@link #DEFAULT_LINGER}): committing as soon as anything was
 * queued made batches of 1.6 updates at 500 publishers, while {@code CatalogWriteBenchmark} costs a segment's
 * updates at 130 us of CPU one segment per commit, 89 us eight per commit and 82 us 64 per commit. The
 * catalog then lags the stored objects by up to the linger: the segment index and playlist counters are read by
 * VoD playlists of past time ranges and by the next publish of a channel, never by live playback.
 *
 * <p>Order: updates are applied in the order they were submitted. Failures: a batch that fails is rolled back as a
 * whole, and its updates are then applied one at a time, each in its own transaction, so that a bad update fails
 * alone; each update's future tells its outcome. A commit that fails because the database cannot be reached
 * ({@link CatalogUnavailableException}: a shared catalog's server down or cut off) fails nothing: it is retried,
 * every {@value #MIN_RETRY_MILLIS} ms at first and then at most every {@value #MAX_RETRY_MILLIS} ms, until the
 * database is back, while the queue takes the updates submitted meanwhile (then back-pressure, as below). Limits: at most {@code maxQueued} updates wait, and a commit
 * takes at most {@value #MAX_BATCH}; {@link #submit} blocks while the queue is full (the catalog is that far
 * behind: back-pressure on the write threads rather than unbounded memory). Only updates whose calls the
 * delegate's transaction covers belong here (segment index, channel catalog): a cache in front of the store is
 * not rolled back with a failed batch.
 *
 * <p>Threading: {@link #submit} from any thread; futures complete on {@code catalog-batch}. {@link #close} applies
 * what is queued (waiting at most its timeout), and later submissions fail at once.
 */
public final class CatalogBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatalogBatcher.class);
    /** About two minutes of updates at 500 publishers. */
    public static final int DEFAULT_MAX_QUEUED = 65_536;
    /** The most updates one commit takes in, so that one transaction never holds the catalog for long. */
    static final int MAX_BATCH = 512;
    /** The least time between the starts of two commits; about 25 updates a commit at 500 publishers. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(50);
    private static final long POLL_MILLIS = 50;
    /** The first wait before retrying a commit the database was unreachable for; doubled up to the next. */
    static final long MIN_RETRY_MILLIS = 100;
    static final long MAX_RETRY_MILLIS = 2000;

    /** One queued update, named for its error message. */
    private record Update(String what, Consumer<MetadataStore> work, CompletableFuture<Void> done) {
    }

    private final MetadataStore store;
    private final BlockingQueue<Update> queue;
    private final long lingerNanos;
    private final Thread thread;
    private volatile boolean closed;
    /** Set by the batch thread as it ends; a submission that lands after it fails its own update. */
    private volatile boolean finished;
    /** Written by the batch thread only. */
    private volatile long applied;
    private volatile long commits;
    private volatile long failed;
    private volatile long unavailableRetries;
    /** Submissions refused because the batcher was closing. */
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param maxQueued the most updates that wait; {@link #submit} blocks beyond
     * @param linger    the least time between the starts of two commits (zero: commit whenever anything waits)
     */
    public CatalogBatcher(MetadataStore store, int maxQueued, Duration linger) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.lingerNanos = linger.toNanos();
        this.thread = new Thread(this::run, "catalog-batch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code work}, to run on this batcher's thread with the store. Blocks while the queue is full.
     *
     * @param what names the update in the exception of a failed future, e.g. {@code "index segment cam1/1.ts"}
     * @return completes once the update is committed, or exceptionally with the {@link CatalogException} (or other
     *         runtime exception) that made it fail, or that refused it after {@link #close}
     */
    public CompletableFuture<Void> submit(String what, Consumer<MetadataStore> work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            refused.incrementAndGet();
            done.completeExceptionally(new CatalogException(what + " refused: the catalog is closing"));
            return done;
        }
        try {
            queue.put(new Update(what, work, done));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(new CatalogException(what + " refused: interrupted while the catalog "
                    + "queue was full"));
            return done;
        }
        if (finished) {
            failLeftovers();
        }
        return done;
    }

    /** Commits made so far (batches, and updates retried alone). */
    public long commits() {
        return commits;
    }

    /** Updates committed so far. */
    public long committedUpdates() {
        return applied;
    }

    /** Updates that failed (their futures completed exceptionally; refusals at close not counted). */
    public long failedUpdates() {
        return failed;
    }

    /** Commits retried because the database could not be reached. */
    public long unavailableRetries() {
        return unavailableRetries;
    }

    /** Updates queued and not yet taken by a commit. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Update> batch = new ArrayList<>(MAX_BATCH);
        long lastCommitStart = System.nanoTime() - lingerNanos;
        while (true) {
            Update first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread on purpose; close() sets closed and waits
            }
            if (first == null) {
                if (closed) {
                    break;
                }
                continue;
            }
            long wait = lastCommitStart + lingerNanos - System.nanoTime();
            if (wait > 0 && !closed && queue.size() < MAX_BATCH - 1) {
                LockSupport.parkNanos(wait); // let more updates queue up for this commit (a wake-up is harmless)
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            lastCommitStart = System.nanoTime();
            apply(batch);
            batch.clear();
        }
        finished = true;
        failLeftovers();
    }

    private void apply(List<Update> batch) {
        try {
            commitOnceReachable(() -> batch.forEach(u -> u.work().accept(store)));
            commits++;
            applied += batch.size();
            batch.forEach(u -> u.done().complete(null));
        } catch (RuntimeException | Error e) { // an Error too: a dead batch thread would leave every submitter waiting
            if (batch.size() == 1) {
                failed++;
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            batch.forEach(this::applyAlone); // one bad update must not fail the others
        }
    }

    private void applyAlone(Update u) {
        try {
            commitOnceReachable(() -> u.work().accept(store));
            commits++;
            applied++;
            u.done().complete(null);
        } catch (RuntimeException | Error e) {
            failed++;
            u.done().completeExceptionally(e);
        }
    }

    /**
     * Commits {@code work} in one transaction, retrying for as long as the database cannot be reached; throws any
     * other failure (a closed store's among them). Gives up waiting only when interrupted.
     */
    private void commitOnceReachable(Runnable work) {
        long waitMillis = MIN_RETRY_MILLIS;
        long retries = 0;
        while (true) {
            try {
                store.inOneTransaction(work);
                if (retries > 0) {
                    log.info("catalog reachable again: the updates waiting for it are committed ({} retries)",
                            retries);
                }
                return;
            } catch (CatalogUnavailableException e) {
                unavailableRetries++;
                if (retries++ == 0) {
                    log.warn("catalog unreachable, updates kept and retried until it is back: {}", e.getMessage());
                }
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                waitMillis = Math.min(MAX_RETRY_MILLIS, waitMillis * 2);
            }
        }
    }

    private void failLeftovers() {
        List<Update> left = new ArrayList<>();
        queue.drainTo(left);
        refused.addAndGet(left.size());
        left.forEach(u -> u.done().completeExceptionally(
                new CatalogException(u.what() + " refused: the catalog is closing")));
    }

    /**
     * Applies what is queued, waiting at most {@code timeout}; later submissions fail.
     *
     * @return true when every update submitted was committed: none failed, none was refused, none is left queued
     *     (then nothing the live path stored is missing from the catalog)
     */
    public boolean close(Duration timeout) {
        closed = true;
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("catalog updates still queued after {}: {} (applied as the catalog allows, until it closes)",
                    timeout, queue.size());
            return false;
        }
        log.info("catalog batches: {} updates in {} commits; {} failed, {} refused at close", applied, commits,
                failed, refused.get());
        return failed == 0 && refused.get() == 0;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
