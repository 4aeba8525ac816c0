package io.livechannel.storage.write;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Writes live output (segments, playlists) to an {@link ObjectStore}: in submission order per ordering key (the
 * channel, so a segment is stored before the playlist that lists it), retried with exponential backoff until it
 * succeeds, with a bounded backlog.
 *
 * <p>Lifecycle of a write: {@link #submit} accepts it (or refuses it, see below) without blocking; the write
 * waits in its channel's lane; one task at a time per lane runs on {@code executor} and calls the store. On
 * success the future completes and {@code release} runs. On failure the lane pauses for the backoff
 * ({@link WriteQueueConfig#backoff}), and, when a spool directory is configured (remote stores), the failed write
 * and every write behind it in the lane are first copied to the spool and their buffers released, so memory
 * holds at most one backoff interval of submissions. Spooled writes survive a restart: a new queue on the same
 * spool directory writes them first, in order. Writes that retrying cannot fix ({@code INVALID_KEY},
 * {@code INVALID_BUCKET_NAME}, {@code NO_SUCH_BUCKET}) fail their future at once, are logged at ERROR and counted,
 * and the lane moves on.
 *
 * <p>Coalescing: when the lane runner comes to a write whose target (bucket and key) has a newer write queued
 * behind it in the same lane, it skips the older one: a live playlist rewritten while an earlier version still
 * waits is stored once, in its newest version. The skipped write's buffer is released at once; its future
 * completes together with the newer write's, just before it and with the same result (the object now at the
 * key), so callbacks run in submission order. Only not-yet-running writes are skipped, never the one being
 * stored; a spooled write is only skipped for a newer spooled one. Skipped writes are counted in
 * {@link WriteQueueMetrics#coalescedWrites()}. Writes to other keys keep their order: the skipped playlist's
 * replacement is stored after the segments submitted between them, as before.
 *
 * <p>Store calls: a write held in memory goes to {@link ObjectStore#put(String, String, ByteBuffer, PutOptions)}
 * with the caller's buffer (a duplicate; the filesystem store writes a direct buffer without copying it); a
 * spooled one is streamed from its spool file.
 *
 * <p>Reads before the store: with a {@link QueuedObjects}, a write is readable from memory from the moment it heads
 * its lane (every earlier write of the channel is stored) until the store has it: a live playlist is readable as
 * soon as the segments it lists are stored, without waiting for its own write (on ext4, a rename over the previous
 * version can wait long behind writeback).
 *
 * <p>Backlog full: when {@link WriteQueueConfig#maxBacklogWrites()} or {@link WriteQueueConfig#maxBacklogBytes()}
 * would be exceeded, {@code submit} refuses: the returned future is already failed with
 * {@link StorageException.Kind#BACKLOG_FULL}, {@code release} has run, the refusal is counted and logged. Nothing
 * accepted is ever dropped; a caller that gets a refusal for a segment must not list it in a playlist.
 *
 * <p>Fences: a write submitted with a {@link WriteFence} (a live playlist) is stored only if the fence still
 * holds when its turn comes, checked on the lane's thread just before the put and before readers are shown it
 * ({@link QueuedObjects}); otherwise its future fails with {@link StorageException.Kind#FENCED} (counted as
 * abandoned, logged at WARN) and the lane moves on. A fence that throws is retried as a failed put is. A spooled
 * write keeps the fence's token; after a restart the queue's recovered-fence predicate decides on it.
 *
 * <p>Logs: WARN once when a backlog starts, ERROR once when a write has failed
 * {@link WriteQueueConfig#errorAfterAttempts()} times, INFO when the backlog has drained. Counts are in
 * {@link #metrics()}.
 *
 * <p>Threading: {@code submit} and {@code metrics} may be called from any thread, including a Netty event loop
 * (they take a short lock and never do I/O). Store calls, spooling and recovery run on {@code executor} (owned by
 * the caller; this queue does not shut it down) and on one internal timer thread that only re-dispatches retries.
 *
 * <p>Size: about 520 lines, over the 300-line norm, because the lane loop, coalescing, retry, spool hand-off and
 * shutdown share one lock and one invariant (one runner per lane); the counters live in {@link WriteQueueState}.
 */
public final class ObjectWriteQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObjectWriteQueue.class);

    /** The writes of one ordering key; {@code active} while a task runs or a retry is scheduled for it. */
    private static final class Lane {
        final String orderingKey;
        final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
        /** The newest queued write per target ({@code bucket/key}), to tell whether the head is superseded. */
        final Map<String, PendingWrite> newest = new HashMap<>();
        boolean active;
        boolean running;

        Lane(String orderingKey) {
            this.orderingKey = orderingKey;
        }
    }

    private final ObjectStore store;
    private final QueuedObjects queued;
    private final Executor executor;
    private final WriteQueueConfig config;
    private final WriteSpool spool;
    private final ScheduledExecutorService timer;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final WriteQueueState state = new WriteQueueState();

    /**
     * Creates the queue and, when {@code config} has a spool directory, queues the writes an earlier run spooled.
     *
     * @throws IOException when the spool directory cannot be created or read
     */
    public ObjectWriteQueue(ObjectStore store, Executor executor, WriteQueueConfig config) throws IOException {
        this(store, executor, config, null);
    }

    /**
     * As {@link #ObjectWriteQueue(ObjectStore, Executor, WriteQueueConfig)}, publishing every accepted write in
     * {@code queued} until it is stored (see {@link QueuedObjects}); null publishes nothing.
     */
    public ObjectWriteQueue(ObjectStore store, Executor executor, WriteQueueConfig config, QueuedObjects queued)
            throws IOException {
        this(store, executor, config, queued, token -> true);
    }

    /**
     * As {@link #ObjectWriteQueue(ObjectStore, Executor, WriteQueueConfig, QueuedObjects)}; a write an earlier run
     * spooled with a {@link WriteFence} is stored only if {@code recoveredFences} accepts the fence's token when
     * its turn comes (it may block, on the storage executor).
     */
    public ObjectWriteQueue(ObjectStore store, Executor executor, WriteQueueConfig config, QueuedObjects queued,
                            Predicate<String> recoveredFences) throws IOException {
        Objects.requireNonNull(recoveredFences, "recoveredFences");
        this.queued = queued;
        this.store = Objects.requireNonNull(store, "store");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.config = Objects.requireNonNull(config, "config");
        this.spool = config.spoolDir() == null ? null : new WriteSpool(config.spoolDir());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-write-retry");
            t.setDaemon(true);
            return t;
        });
        if (spool != null) {
            requeueSpooled(spool.recover(recoveredFences));
        }
    }

    private void requeueSpooled(List<PendingWrite> recovered) {
        if (recovered.isEmpty()) {
            return;
        }
        List<Lane> toStart = new ArrayList<>();
        long bytes = 0;
        synchronized (this) {
            for (PendingWrite w : recovered) {
                Lane lane = lanes.computeIfAbsent(w.orderingKey, Lane::new);
                lane.writes.add(w);
                lane.newest.put(target(w), w);
                state.accepted(w, true);
                bytes += w.size;
                if (!lane.active) {
                    lane.active = true;
                    toStart.add(lane);
                }
            }
            state.continueSequenceAfter(recovered.get(recovered.size() - 1).sequence);
        }
        log.info("write queue: {} spooled writes ({} bytes) from an earlier run queued for storing",
                recovered.size(), bytes);
        toStart.forEach(this::dispatch);
    }

    /**
     * Queues a write of {@code data}'s remaining bytes to {@code bucket/key}, after every earlier write with the same
     * {@code orderingKey}.
     *
     * @param data not copied and never moved (a duplicate is read); it must stay unchanged until {@code release}
     * @param release called exactly once, on any thread, when {@code data} is no longer needed: after the write is
     *                stored, spooled, refused or abandoned at shutdown (a pooled Netty buffer's {@code release()})
     * @return completes with the stored object; fails with a {@link StorageException} when the write is refused
     *         ({@code BACKLOG_FULL}, already failed on return) or cannot succeed; never fails for a transient outage
     */
    public CompletableFuture<StoredObject> submit(String orderingKey, String bucket, String key, ByteBuffer data,
                                                  PutOptions options, Runnable release) {
        return submit(orderingKey, bucket, key, data, options, null, release);
    }

    /**
     * As {@link #submit(String, String, String, ByteBuffer, PutOptions, Runnable)}, stored only if {@code fence}
     * (null: none) still holds just before the put; otherwise the future fails with
     * {@link StorageException.Kind#FENCED}.
     */
    public CompletableFuture<StoredObject> submit(String orderingKey, String bucket, String key, ByteBuffer data,
                                                  PutOptions options, WriteFence fence, Runnable release) {
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(release, "release");
        PutOptions opts = options == null ? PutOptions.of(null) : options;
        PendingWrite w = null;
        Lane start = null;
        String refusal;
        synchronized (this) {
            refusal = state.refusal(data.remaining(), config);
            if (refusal == null) {
                w = new PendingWrite(state.nextSequence(), orderingKey, bucket, key, opts, fence, data, release);
                Lane lane = lanes.computeIfAbsent(orderingKey, Lane::new);
                lane.writes.add(w);
                lane.newest.put(target(w), w);
                state.accepted(w, false);
                if (!lane.active) {
                    lane.active = true;
                    start = lane;
                }
            }
        }
        if (refusal != null) {
            return refuse(new PendingWrite(-1, orderingKey, bucket, key, opts, fence, data, release), refusal);
        }
        if (start != null) {
            dispatch(start);
        }
        return w.future;
    }

    private static String target(PendingWrite w) {
        return w.bucket + "/" + w.key; // bucket names have no '/', so this is unambiguous
    }

    private CompletableFuture<StoredObject> refuse(PendingWrite w, String why) {
        boolean first;
        synchronized (this) {
            first = state.rejected();
        }
        if (first) {
            log.warn("write queue refused {}/{}: {} (logged once per backlog; see rejectedWrites)", w.bucket, w.key, why);
        }
        w.releaseData();
        w.future.completeExceptionally(new StorageException(StorageException.Kind.BACKLOG_FULL,
                "write of " + w.bucket + "/" + w.key + " refused: " + why));
        return w.future;
    }

    private void dispatch(Lane lane) {
        try {
            executor.execute(() -> runLane(lane));
        } catch (RejectedExecutionException e) {
            log.warn("storage executor refused lane {}; retrying in {}", lane.orderingKey, config.maxBackoff());
            scheduleRetry(lane, config.maxBackoff());
        }
    }

    private void scheduleRetry(Lane lane, Duration delay) {
        try {
            timer.schedule(() -> dispatch(lane), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // closed while this lane was writing: settle what it holds
            List<PendingWrite> left;
            synchronized (this) {
                left = new ArrayList<>(lane.writes);
                lane.writes.clear();
                lane.newest.clear();
                lane.active = false;
                notifyAll();
            }
            settleLeftovers(left);
        }
    }

    private void runLane(Lane lane) {
        synchronized (this) {
            lane.running = true;
        }
        try {
            while (true) {
                PendingWrite head;
                boolean failing;
                boolean superseded;
                synchronized (this) {
                    head = lane.writes.peek();
                    if (head == null) {
                        lane.active = false;
                        lanes.remove(lane.orderingKey, lane);
                        notifyAll();
                        return;
                    }
                    superseded = supersedeIfNewerQueued(lane, head);
                    failing = head.failedAttempts > 0;
                }
                if (superseded) {
                    if (head.isSpooled()) {
                        spool.delete(head);
                    }
                    head.releaseData();
                    continue;
                }
                if (failing) {
                    spoolLane(lane);
                }
                try {
                    if (head.fence != null && !head.fence.holds()) {
                        finish(lane, head, null, new StorageException(StorageException.Kind.FENCED, "write of "
                                + head + " not stored: its fence " + head.fence.token() + " no longer holds"));
                        continue;
                    }
                } catch (RuntimeException e) { // could not be checked (catalog unreachable): try again later
                    failed(lane, head, e);
                    return;
                }
                if (queued != null) { // every earlier write of the lane is stored: readers may have this one now
                    queued.published(head);
                }
                if (!attempt(lane, head)) {
                    return; // a retry is scheduled
                }
            }
        } finally {
            synchronized (this) {
                lane.running = false;
                notifyAll();
            }
        }
    }

    /**
     * Takes {@code head} out of the lane when a newer write of its target is queued behind it (see the class
     * comment); called under the lock, by the lane's runner.
     */
    private boolean supersedeIfNewerQueued(Lane lane, PendingWrite head) {
        PendingWrite newer = lane.newest.get(target(head));
        if (newer == null || newer == head || (head.isSpooled() && !newer.isSpooled())) {
            return false;
        }
        lane.writes.poll();
        newer.supersede(head);
        state.coalesced(head);
        return true;
    }

    /** @return true when the lane may go on with its next write */
    private boolean attempt(Lane lane, PendingWrite w) {
        StoredObject stored;
        try {
            stored = w.isSpooled() ? putSpooled(w) : store.put(w.bucket, w.key, w.data(), w.options);
        } catch (StorageException e) {
            if (isPermanent(e.kind())) {
                finish(lane, w, null, e);
                return true;
            }
            return failed(lane, w, e);
        } catch (IOException | RuntimeException e) {
            return failed(lane, w, e);
        }
        finish(lane, w, stored, null);
        return true;
    }

    private StoredObject putSpooled(PendingWrite w) throws IOException, StorageException {
        try (InputStream in = w.openSpooled()) {
            return store.put(w.bucket, w.key, in, w.size, w.options);
        }
    }

    private static boolean isPermanent(StorageException.Kind kind) {
        return kind == StorageException.Kind.INVALID_KEY || kind == StorageException.Kind.INVALID_BUCKET_NAME
                || kind == StorageException.Kind.NO_SUCH_BUCKET;
    }

    /**
     * Settles a write the store returned for (or refused for good): its buffer is released and its future completed
     * before it stops counting as pending, so that {@link #drain} returning (and {@link #close}) means every
     * completion has run, among them the catalog updates that list a stored segment.
     */
    private void finish(Lane lane, PendingWrite w, StoredObject stored, StorageException permanent) {
        if (queued != null) { // after the store returned: readers now get the stored version
            queued.withdrawn(w);
        }
        if (w.isSpooled()) {
            spool.delete(w);
        }
        w.releaseData();
        if (permanent != null && permanent.kind() == StorageException.Kind.FENCED) {
            log.warn(permanent.getMessage());
        } else if (permanent != null) {
            log.error("write of {} abandoned, retrying cannot help: {}", w, permanent.getMessage());
        } else {
            log.debug("stored {}", w);
        }
        w.complete(stored, permanent);
        boolean drained;
        synchronized (this) { // only this lane's runner takes w out (a completion may have queued writes behind it)
            lane.writes.remove(w);
            lane.newest.remove(target(w), w);
            drained = state.finished(w, permanent != null);
            if (state.pendingWrites() == 0) {
                notifyAll();
            }
        }
        if (drained) {
            log.info("write queue backlog drained ({} retries so far)", metrics().retries());
        }
    }

    private boolean failed(Lane lane, PendingWrite w, Exception e) {
        int attempts;
        boolean backlogStarted;
        boolean reportError;
        synchronized (this) {
            attempts = ++w.failedAttempts;
            backlogStarted = state.attemptFailed();
            reportError = attempts >= config.errorAfterAttempts() && state.errorNotYetReported();
        }
        Duration delay = config.backoff(attempts);
        if (backlogStarted) {
            log.warn("storage write of {} failed ({}); keeping a backlog and retrying, next in {} ms", w,
                    e.getMessage(), delay.toMillis());
        }
        if (reportError) {
            log.error("storage unreachable: {} failed {} times ({}); backlog {} writes, {} bytes", w, attempts,
                    e.getMessage(), metrics().pendingWrites(), metrics().pendingBytes());
        }
        spoolLane(lane);
        scheduleRetry(lane, delay);
        return false;
    }

    /** Moves the lane's in-memory writes to the spool (remote stores only); runs on the lane's own task. */
    private void spoolLane(Lane lane) {
        if (spool == null) {
            return;
        }
        List<PendingWrite> inMemory;
        synchronized (this) {
            inMemory = lane.writes.stream().filter(w -> !w.isSpooled()).toList();
        }
        for (PendingWrite w : inMemory) {
            try {
                spool.spool(w);
                synchronized (this) {
                    state.spooled();
                }
                w.releaseData(); // after counting, so a caller woken by the release sees the spooled count
            } catch (IOException e) {
                log.warn("cannot spool {} to {} ({}); keeping it in memory", w, spool.dir(), e.toString());
                return;
            }
        }
    }

    /** Counts and sizes now; cheap, callable from any thread. */
    public synchronized WriteQueueMetrics metrics() {
        return state.snapshot();
    }

    /**
     * Waits until every accepted write is stored (or abandoned), its buffer released and its future completed, or
     * {@code timeout} passes; submits may continue meanwhile. Blocks: never call it on an event loop, nor in a
     * write's completion (which it would wait for).
     *
     * @return true when nothing is pending
     */
    public synchronized boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state.pendingWrites() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Refuses new writes, waits up to {@link WriteQueueConfig#shutdownTimeout()} for the backlog, then stops
     * retrying. What is still pending stays in the spool for the next start (remote stores) or is abandoned with an
     * ERROR naming the count; either way its future fails and its buffer is released.
     */
    @Override
    public void close() {
        synchronized (this) {
            state.close();
        }
        try {
            drain(config.shutdownTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        List<PendingWrite> left = new ArrayList<>();
        synchronized (this) {
            for (Lane lane : lanes.values()) {
                if (!lane.running) {
                    left.addAll(lane.writes);
                    lane.writes.clear();
                    lane.newest.clear();
                }
            }
        }
        settleLeftovers(left);
    }

    private void settleLeftovers(List<PendingWrite> left) {
        int spooled = 0;
        for (PendingWrite w : left) {
            if (spool != null && !w.isSpooled() && w.data() != null) {
                try {
                    spool.spool(w);
                } catch (IOException e) {
                    log.error("cannot spool {} at shutdown: {}", w, e.toString());
                }
            }
            spooled += w.isSpooled() ? 1 : 0;
            if (queued != null) {
                queued.withdrawn(w);
            }
            w.releaseData();
            w.complete(null, new StorageException(StorageException.Kind.IO, "write queue closed before "
                    + w + " was stored" + (w.isSpooled() ? "; it is spooled for the next start" : "")));
        }
        if (!left.isEmpty()) {
            log.error("write queue closed with {} writes not stored: {} spooled for the next start, {} lost",
                    left.size(), spooled, left.size() - spooled);
        }
    }
}
