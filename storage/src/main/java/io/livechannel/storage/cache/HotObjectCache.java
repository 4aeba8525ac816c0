package io.livechannel.storage.cache;

import io.livechannel.storage.StoredObject;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small objects' attributes and bytes by bucket and key, bounded in total bytes; {@link CachingObjectStore}'s
 * storage. Coherence with writes: a write {@link #invalidate invalidates} its key before and after it runs, each
 * time bumping the generation of the key's stripe; a fill remembers the stripe's {@link #generation} before
 * reading the store and is {@link #install installed} only if it is unchanged, so an object read before a write
 * completed is never cached after it. A write through {@link #beginWrite}/{@link #endWrite} may leave its new
 * version cached (write-through) when no other write of the same key overlapped it. Stripes ({@value #STRIPES})
 * keep busy keys' writes (a playlist per channel every segment) from discarding every other key's fills.
 *
 * <p>Limit: entries cost their byte count plus {@value #ENTRY_OVERHEAD} bytes against {@code maxBytes}; installing
 * past it evicts other entries in the map's iteration order (effectively random: hot playlists are refilled by
 * their next GET). Age: with a maximum age (a store other nodes write too), an entry older than it is not
 * returned by {@link #peek} (the next read refills it from the store). Threading: thread-safe; {@link #peek}
 * never blocks or locks.
 */
final class HotObjectCache {
    static final int STRIPES = 64;
    /** A rough per-entry cost of the map node, key strings and attributes, so that tiny objects are bounded too. */
    static final int ENTRY_OVERHEAD = 512;

    record Id(String bucket, String key) {
    }

    /**
     * An object's attributes and its whole content; the array is never modified.
     *
     * @param sinceNanos {@link System#nanoTime()} when the read or write that produced it began: the store held
     *     this version at least from then
     */
    record Entry(StoredObject object, byte[] content, long sinceNanos) {
        long cost() {
            return (long) content.length + ENTRY_OVERHEAD;
        }
    }

    private final ConcurrentHashMap<Id, Entry> map = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Id, Writers> writing = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;
    /** Entries older than this are not served; {@link Long#MAX_VALUE}: no limit. */
    private final long maxAgeNanos;
    private final Object[] locks = new Object[STRIPES];
    private final long[] generations = new long[STRIPES]; // element i guarded by locks[i]

    HotObjectCache(long maxBytes) {
        this(maxBytes, Long.MAX_VALUE);
    }

    HotObjectCache(long maxBytes, long maxAgeNanos) {
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The entry of {@code id}, or null when none or older than the maximum age (then dropped). */
    Entry peek(Id id) {
        Entry entry = map.get(id);
        if (entry != null && maxAgeNanos != Long.MAX_VALUE && System.nanoTime() - entry.sinceNanos() >= maxAgeNanos) {
            removeExactly(id, entry);
            return null;
        }
        return entry;
    }

    long generation(Id id) {
        int s = stripe(id);
        synchronized (locks[s]) {
            return generations[s];
        }
    }

    /** Caches {@code entry} unless a write of its stripe began since {@code generationBefore} was read. */
    void install(Id id, Entry entry, long generationBefore) {
        if (entry.cost() > maxBytes) {
            return;
        }
        int s = stripe(id);
        synchronized (locks[s]) {
            if (generations[s] != generationBefore) {
                return;
            }
            putLocked(id, entry);
        }
        evictOver(id);
    }

    /**
     * A write of {@code id} begins: the key is invalidated (and fills in flight discarded), and the write is tracked
     * until {@link #endWrite} so that a write overlapping another one of the same key is never cached.
     */
    void beginWrite(Id id) {
        writing.compute(id, (k, w) -> {
            if (w == null) {
                return new Writers();
            }
            w.count++;
            w.overlapped = true;
            return w;
        });
        invalidate(id);
    }

    /**
     * A write of {@code id} that {@link #beginWrite} announced has returned. {@code newVersion} is what the store
     * now holds when the write succeeded with content to cache (null otherwise): it is cached (write-through) if no
     * other write of the key overlapped this one, since then the store's last version is this one; otherwise the
     * key is invalidated, as the store's order of overlapping writes is unknown here.
     */
    void endWrite(Id id, Entry newVersion) {
        writing.compute(id, (k, w) -> {
            boolean alone = w != null && !w.overlapped;
            if (alone && newVersion != null && newVersion.cost() <= maxBytes) {
                put(id, newVersion);
            } else {
                invalidate(id);
            }
            if (w == null || --w.count == 0) {
                return null;
            }
            return w;
        });
        evictOver(id);
    }

    /** The writes of one key in progress; touched only inside {@code writing.compute}. */
    private static final class Writers {
        int count = 1;
        boolean overlapped;
    }

    /** Caches {@code entry} unconditionally, bumping the generation so that older fills are not installed. */
    private void put(Id id, Entry entry) {
        int s = stripe(id);
        synchronized (locks[s]) {
            generations[s]++;
            putLocked(id, entry);
        }
    }

    /** The map and byte count update of a put; the caller holds the key's stripe lock. */
    private void putLocked(Id id, Entry entry) {
        Entry old = map.put(id, entry);
        bytes.addAndGet(entry.cost() - (old == null ? 0 : old.cost()));
    }

    void invalidate(Id id) {
        int s = stripe(id);
        synchronized (locks[s]) {
            generations[s]++;
            Entry old = map.remove(id);
            if (old != null) {
                bytes.addAndGet(-old.cost());
            }
        }
    }

    /** Drops every entry of {@code bucket} and discards fills of any key in flight. */
    void invalidateBucket(String bucket) {
        for (int s = 0; s < STRIPES; s++) {
            synchronized (locks[s]) {
                generations[s]++;
            }
        }
        map.forEach((id, entry) -> {
            if (id.bucket().equals(bucket)) {
                removeExactly(id, entry);
            }
        });
    }

    long bytes() {
        return bytes.get();
    }

    private void evictOver(Id keep) {
        Iterator<Map.Entry<Id, Entry>> it = map.entrySet().iterator();
        while (bytes.get() > maxBytes && it.hasNext()) {
            Map.Entry<Id, Entry> e = it.next();
            if (!e.getKey().equals(keep)) {
                removeExactly(e.getKey(), e.getValue());
            }
        }
    }

    private void removeExactly(Id id, Entry entry) {
        if (map.remove(id, entry)) {
            bytes.addAndGet(-entry.cost());
        }
    }

    private static int stripe(Id id) {
        return Math.floorMod(id.hashCode(), STRIPES);
    }
}
