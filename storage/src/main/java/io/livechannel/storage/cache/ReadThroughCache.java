package io.livechannel.storage.cache;

import io.livechannel.storage.catalog.CatalogUnavailableException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A map of lookup results (found or known absent) filled from a blocking source, kept coherent with writes made
 * through {@link #write}: a write invalidates its key before and after it runs, and a fill that read the source
 * before a write finished is not installed (a generation counter, bumped under {@link #lock} by every write,
 * tells). Writes are rare (bucket ACL and CORS changes, new keys), so one counter for the whole map is enough.
 *
 * <p>Limit: at most {@code maxEntries} entries. Absent results are cached only below that (so that requests for
 * random names cannot crowd out real ones); a found result at the limit drops the cached absences first and is
 * not cached if the map is still full.
 *
 * <p>Threading: thread-safe; {@link #peek} never blocks; {@link #get} and {@link #refresh} block in the loader.
 */
final class ReadThroughCache<K, V> {
    /** How long {@link #refresh} answers from memory, after finding the catalog unreachable, before trying again. */
    static final long UNREACHABLE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The blocking lookup behind the cache. */
    interface Loader<K, V> {
        Optional<V> load(K key);
    }

    private final ConcurrentHashMap<K, Optional<V>> map = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Object lock = new Object();
    private long generation; // guarded by lock
    /** Whether {@link #refresh} last found the catalog unreachable, and when it may try again (System.nanoTime). */
    private volatile boolean unreachable;
    private volatile long nextTryAt;

    ReadThroughCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The cached result, or {@code null} when the key is not cached; never blocks. */
    Optional<V> peek(K key) {
        return map.get(key);
    }

    /** The cached result, else the loader's (cached unless a write intervened). */
    Optional<V> get(K key, Loader<K, V> loader) {
        Optional<V> cached = map.get(key);
        if (cached != null) {
            return cached;
        }
        long before;
        synchronized (lock) {
            before = generation;
        }
        Optional<V> loaded = loader.load(key);
        synchronized (lock) {
            if (generation == before) {
                install(key, loaded);
            }
        }
        return loaded;
    }

    private void install(K key, Optional<V> value) {
        if (map.size() >= maxEntries) {
            if (value.isEmpty()) {
                return;
            }
            map.values().removeIf(Optional::isEmpty);
            if (map.size() >= maxEntries) {
                return;
            }
        }
        map.put(key, value);
    }

    /**
     * The loader's result, read past the cached one, which it then replaces (unless a write intervened); when the
     * catalog cannot be reached, the result cached last, if any. For a cache that may miss other writers' changes:
     * its entries are then only what was read last, kept for an outage. Once the catalog was found unreachable, a
     * lookup with a cached result answers it without trying, except one caller a second that tries again (each
     * try waits for the pool's timeout).
     */
    Optional<V> refresh(K key, Loader<K, V> loader) {
        Optional<V> lastRead = map.get(key);
        if (lastRead != null && !claimCatalogTry()) {
            return lastRead;
        }
        long before;
        synchronized (lock) {
            before = generation;
        }
        Optional<V> loaded;
        try {
            loaded = loader.load(key);
        } catch (CatalogUnavailableException e) {
            nextTryAt = System.nanoTime() + UNREACHABLE_RETRY_NANOS;
            unreachable = true;
            if (lastRead == null) {
                throw e;
            }
            return lastRead;
        }
        unreachable = false;
        synchronized (lock) {
            if (generation == before) {
                install(key, loaded);
            }
        }
        return loaded;
    }

    /** True when the catalog is to be tried: it was reachable last, or this caller takes the next try. */
    private boolean claimCatalogTry() {
        if (!unreachable) {
            return true;
        }
        synchronized (lock) {
            long now = System.nanoTime();
            if (now - nextTryAt < 0) {
                return false;
            }
            nextTryAt = now + UNREACHABLE_RETRY_NANOS; // the others answer from memory meanwhile
            return true;
        }
    }

    /** Runs a write of {@code key} to the source, invalidating the key around it. */
    <T> T write(K key, java.util.function.Supplier<T> write) {
        invalidate(key);
        try {
            return write.get();
        } finally {
            invalidate(key);
        }
    }

    /** Forgets {@code key}; a fill that read the source before this is not installed. */
    void invalidate(K key) {
        synchronized (lock) {
            generation++;
            map.remove(key);
        }
    }

    /** Forgets everything; a fill that read the source before this is not installed. */
    void clear() {
        synchronized (lock) {
            generation++;
            map.clear();
        }
    }
}
