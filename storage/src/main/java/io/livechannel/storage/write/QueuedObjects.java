package io.livechannel.storage.write;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.StoredObject;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects an {@link ObjectWriteQueue} has accepted and not yet stored, readable from memory: the newest queued
 * version of each key, so that a live playlist and the segment it lists can be read as soon as they are cut, not
 * only once the store has written them (a disk busy with writeback can take a second for that; the live playlist is
 * what players poll). {@code CachingObjectStore} looks here before its cache and the store.
 *
 * <p>Coherence: a write is published here when it is accepted and withdrawn only after the store has returned from
 * writing it (and the caching store has put or invalidated its key), so a reader sees the queued version, or the
 * stored one, never an older one. A write refused at submit is never published. A write the store later fails for
 * good (logged and counted by the queue) was readable meanwhile: as with any store that acknowledges before the disk
 * has the bytes, a reader may have fetched an object that is then not stored.
 *
 * <p>Memory: a snapshot copies the queued bytes to the heap once, on the first read, and is kept with the write; it
 * is dropped, like the queued buffer, when the write leaves memory (stored, or moved to the spool of a remote store:
 * a spooled write is not readable here and readers get the store's version meanwhile). So what this holds is bounded
 * by the queue's in-memory backlog, and copies are made only of what somebody reads.
 *
 * <p>Threading: thread-safe; {@link #queuedSize} never blocks; {@link #snapshot} holds the write's lock while it
 * copies, so it may be called on an event loop for small objects only.
 */
public final class QueuedObjects {
    /** What a read of a queued object gets: its attributes as the store will give them, and its whole content. */
    public record Snapshot(StoredObject object, byte[] content) {
        public Snapshot {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(content, "content");
        }
    }

    private final ObjectStore etagSource;
    private final ConcurrentHashMap<Target, PendingWrite> newest = new ConcurrentHashMap<>();

    /** @param etagSource the store the writes go to, asked for the ETag a queued write will get there */
    public QueuedObjects(ObjectStore etagSource) {
        this.etagSource = Objects.requireNonNull(etagSource, "etagSource");
    }

    /** The size of the newest queued write of {@code bucket/key}, or -1 when none is queued. */
    public long queuedSize(String bucket, String key) {
        PendingWrite w = newest.get(new Target(bucket, key));
        return w == null ? -1 : w.size;
    }

    /**
     * The newest queued version of {@code bucket/key}, or null when none is queued in memory (none accepted, already
     * stored, or spooled).
     */
    public Snapshot snapshot(String bucket, String key) {
        PendingWrite w = newest.get(new Target(bucket, key));
        return w == null ? null : w.snapshot(etagSource);
    }

    /** How many keys have a queued version; for tests and metrics. */
    public int size() {
        return newest.size();
    }

    /** Called by the queue when it accepts {@code w}: it is now the newest version of its key. */
    void published(PendingWrite w) {
        newest.put(new Target(w.bucket, w.key), w);
    }

    /** Called by the queue once {@code w} is stored or given up; a newer queued version of the key stays. */
    void withdrawn(PendingWrite w) {
        newest.remove(new Target(w.bucket, w.key), w);
    }

    private record Target(String bucket, String key) {
    }
}
