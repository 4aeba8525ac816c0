package io.livechannel.storage.write;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.StoredObject;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes an {@link ObjectWriteQueue} is storing, readable from memory before the store has them: a write is
 * published here when it comes to the head of its lane, that is once every earlier write of its ordering key (the
 * channel) is stored, and withdrawn once the store has returned from writing it. For live output that means a
 * playlist is readable as soon as the segments it lists are stored (and indexed, which happens in their completion),
 * without waiting for its own write: on ext4 the rename of a new playlist over the previous one can wait a second
 * behind writeback, and the live playlist is what players poll. {@code CachingObjectStore} looks here before its
 * cache and the store.
 *
 * <p>What this keeps: a reader never sees an object that refers to another not yet stored (a playlist listing a
 * segment still queued), so whatever a player has seen listed survives a killed process, and listing the bucket or
 * building a VoD playlist after reading a playlist finds its segments. A reader sees the published version or the
 * stored one, never an older one. What it gives up: the published object itself may be lost if the process is
 * killed before its write lands (the previous version stays), and a write that the store then fails for good
 * (logged and counted by the queue) was readable meanwhile.
 *
 * <p>Memory: a snapshot copies the bytes to the heap once, on the first read, and is kept with the write; it is
 * dropped, like the caller's buffer, when the write leaves memory (stored, or moved to the spool of a remote store:
 * a spooled write is not readable here and readers get the store's version meanwhile). At most one write per lane is
 * published, and copies are made only of what somebody reads.
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

    /** The size of the published write of {@code bucket/key}, or -1 when none is. */
    public long queuedSize(String bucket, String key) {
        PendingWrite w = newest.get(new Target(bucket, key));
        return w == null ? -1 : w.size;
    }

    /**
     * The version of {@code bucket/key} being stored, or null when none is published in memory (none heads its lane,
     * already stored, or spooled).
     */
    public Snapshot snapshot(String bucket, String key) {
        PendingWrite w = newest.get(new Target(bucket, key));
        return w == null ? null : w.snapshot(etagSource);
    }

    /** How many keys have a queued version; for tests and metrics. */
    public int size() {
        return newest.size();
    }

    /** Called by the queue when {@code w} heads its lane: it is now the newest readable version of its key. */
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
