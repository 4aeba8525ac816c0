package io.livechannel.storage.cache;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.write.QueuedObjects;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ObjectStore} that keeps small objects (live playlists above all) in memory: a whole-object
 * {@link #get} of an object of at most {@code maxObjectBytes} reads it once into memory and later gets and heads
 * of it are answered from there until the next write of that key. Everything else goes to the delegate.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><td>{@code maxObjectBytes}</td><td>default {@value #DEFAULT_MAX_OBJECT_BYTES}</td><td>larger objects
 *   (segments) are never cached: they are read once per viewer anyway and would evict the playlists</td></tr>
 *   <tr><td>{@code maxTotalBytes}</td><td>default {@value #DEFAULT_MAX_TOTAL_BYTES}</td><td>about 30,000
 *   live playlists; see {@link HotObjectCache}</td></tr>
 * </table>
 *
 * <p>Queued writes: with a {@link QueuedObjects} (the write queue's), {@code get} and {@code head} answer first with
 * the version of the key being stored, so a live playlist is readable once its segments are stored, without
 * waiting for its own write; see {@link QueuedObjects} for how that stays coherent.
 *
 * <p>Coherence: {@code put}, {@code delete} and {@code deleteBucket} invalidate the key (or bucket) before writing,
 * so that a reader never sees an older version than the store would give once the write returned. After a
 * successful put of bytes in memory (the {@code byte[]} and {@code ByteBuffer} overloads: live playlists) of at most
 * {@code maxObjectBytes}, the new version is cached at once (write-through), so the next read of a playlist that
 * has just been written does not wait for the disk; after any other write the key is invalidated again. Writes
 * bypassing this object (another process, another node on a shared S3 bucket) are not seen, unless the cache has
 * a maximum age ({@link #SHARED_MAX_AGE} on a cluster): then an entry is served at most that long after the read
 * or write that produced it began, so another node's write is seen within that age (plus the store's own
 * read-after-write delay).
 *
 * <p>Lifecycle: wraps an open store and closes it in {@link #close()}. Threading: thread-safe; cache misses block
 * like the delegate; {@link #memoryOnly()} is a view for event loops.
 */
public final class CachingObjectStore implements ObjectStore {
    /** Live playlists are well under 4 KiB; 64 KiB covers long event windows (thousands of segments). */
    public static final int DEFAULT_MAX_OBJECT_BYTES = 64 * 1024;
    public static final long DEFAULT_MAX_TOTAL_BYTES = 32L * 1024 * 1024;
    /**
     * The entries' maximum age when other nodes write the same store: a playlist another node wrote is seen within
     * it (the bound a player polling any node depends on), at the cost of at most two store reads per second per
     * hot object on each node.
     */
    public static final Duration SHARED_MAX_AGE = Duration.ofMillis(500);

    private final ObjectStore delegate;
    private final QueuedObjects queued;
    private final HotObjectCache cache;
    private final int maxObjectBytes;
    private final ObjectStore memoryOnly = new MemoryOnlyObjects();

    public CachingObjectStore(ObjectStore delegate, int maxObjectBytes, long maxTotalBytes) {
        this(delegate, maxObjectBytes, maxTotalBytes, null);
    }

    /** @param queued the write queue's queued objects, read before the cache and the store; null for none */
    public CachingObjectStore(ObjectStore delegate, int maxObjectBytes, long maxTotalBytes, QueuedObjects queued) {
        this(delegate, maxObjectBytes, maxTotalBytes, queued, null);
    }

    /**
     * @param queued the write queue's queued objects, read before the cache and the store; null for none
     * @param maxAge how long an entry is served after the read or write that produced it began; null: until the
     *     next write through this object (the store is this process's alone)
     */
    public CachingObjectStore(ObjectStore delegate, int maxObjectBytes, long maxTotalBytes, QueuedObjects queued,
                              Duration maxAge) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.queued = queued;
        if (maxObjectBytes < 0 || maxTotalBytes < 0) {
            throw new IllegalArgumentException("negative cache limit: " + maxObjectBytes + ", " + maxTotalBytes);
        }
        this.maxObjectBytes = maxObjectBytes;
        this.cache = new HotObjectCache(maxTotalBytes, maxAge == null ? Long.MAX_VALUE : maxAge.toNanos());
    }

    public CachingObjectStore(ObjectStore delegate) {
        this(delegate, DEFAULT_MAX_OBJECT_BYTES, DEFAULT_MAX_TOTAL_BYTES);
    }

    @Override
    public void createBucket(String bucket) throws StorageException {
        delegate.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) throws StorageException {
        cache.invalidateBucket(bucket);
        try {
            delegate.deleteBucket(bucket);
        } finally {
            cache.invalidateBucket(bucket);
        }
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream data, long length, PutOptions options)
            throws StorageException {
        return write(bucket, key, () -> delegate.put(bucket, key, data, length, options));
    }

    @Override
    public StoredObject put(String bucket, String key, byte[] data, PutOptions options) throws StorageException {
        byte[] content = data.length <= maxObjectBytes ? data.clone() : null;
        return write(bucket, key, () -> delegate.put(bucket, key, data, options), content);
    }

    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        byte[] content = null;
        if (data.remaining() <= maxObjectBytes) {
            content = new byte[data.remaining()];
            data.duplicate().get(content);
        }
        return write(bucket, key, () -> delegate.put(bucket, key, data, options), content);
    }

    @Override
    public String etagFor(ByteBuffer content, PutOptions options) {
        return delegate.etagFor(content, options);
    }

    @Override
    public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
        QueuedObjects.Snapshot pending = queued == null ? null : queued.snapshot(bucket, key);
        if (pending != null) {
            return stream(pending.object(), pending.content(), range);
        }
        HotObjectCache.Id id = new HotObjectCache.Id(bucket, key);
        HotObjectCache.Entry cached = cache.peek(id);
        if (cached != null) {
            return stream(cached, range);
        }
        long generation = cache.generation(id);
        long readStart = System.nanoTime();
        ObjectStream stream = delegate.get(bucket, key, range);
        if (range != null || stream.object().size() > maxObjectBytes) {
            return stream;
        }
        byte[] content;
        try (stream) {
            content = stream.content().readNBytes((int) stream.object().size());
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.IO, "reading " + bucket + "/" + key, e);
        }
        HotObjectCache.Entry entry = new HotObjectCache.Entry(stream.object(), content, readStart);
        if (content.length == stream.object().size()) {
            cache.install(id, entry, generation);
        }
        return stream(entry, null);
    }

    @Override
    public Optional<StoredObject> head(String bucket, String key) throws StorageException {
        QueuedObjects.Snapshot pending = queued == null ? null : queued.snapshot(bucket, key);
        if (pending != null) {
            return Optional.of(pending.object());
        }
        HotObjectCache.Entry cached = cache.peek(new HotObjectCache.Id(bucket, key));
        return cached != null ? Optional.of(cached.object()) : delegate.head(bucket, key);
    }

    @Override
    public ObjectListing list(String bucket, ListQuery query) throws StorageException {
        return delegate.list(bucket, query);
    }

    @Override
    public void delete(String bucket, String key) throws StorageException {
        write(bucket, key, () -> {
            delegate.delete(bucket, key);
            return null;
        });
    }

    /** A write of the store, run in {@code op}, with the key invalidated before and after (see the class Javadoc). */
    private <T> T write(String bucket, String key, StoreWrite<T> op) throws StorageException {
        return write(bucket, key, op, null);
    }

    /**
     * A write of the key, {@code content} being the bytes a successful put stores (null when they are not to be
     * cached): the key is invalidated before; afterwards the stored version is cached, or the key invalidated
     * again (see {@link HotObjectCache#endWrite}).
     */
    private <T> T write(String bucket, String key, StoreWrite<T> op, byte[] content) throws StorageException {
        HotObjectCache.Id id = new HotObjectCache.Id(bucket, key);
        long writeStart = System.nanoTime();
        cache.beginWrite(id);
        T result = null;
        try {
            result = op.run();
            return result;
        } finally {
            HotObjectCache.Entry stored = content != null && result instanceof StoredObject object
                    && object.size() == content.length ? new HotObjectCache.Entry(object, content, writeStart) : null;
            cache.endWrite(id, stored);
        }
    }

    private interface StoreWrite<T> {
        T run() throws StorageException;
    }

    /**
     * A view answering {@code get} and {@code head} of cached objects from memory (the stream it returns reads an
     * array: reading it never blocks) and throwing {@link NotInMemoryException} for anything else; never blocks.
     */
    public ObjectStore memoryOnly() {
        return memoryOnly;
    }

    /** Bytes the cache holds now, entry overhead included; for tests and metrics. */
    long cachedBytes() {
        return cache.bytes();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static ObjectStream stream(HotObjectCache.Entry entry, ByteRange range) throws StorageException {
        return stream(entry.object(), entry.content(), range);
    }

    /** The object from memory, with the range clamped as {@link ObjectStore#get} specifies. */
    private static ObjectStream stream(StoredObject object, byte[] content, ByteRange range)
            throws StorageException {
        if (range == null) {
            return new ObjectStream(object, null, new ByteArrayInputStream(content));
        }
        if (range.first() >= object.size()) {
            throw new StorageException(StorageException.Kind.INVALID_RANGE, "range starts at " + range.first()
                    + " but " + object.key() + " has " + object.size() + " bytes");
        }
        ByteRange served = new ByteRange(range.first(), Math.min(range.last(), object.size() - 1));
        return new ObjectStream(object, served, new ByteArrayInputStream(content, (int) served.first(),
                (int) served.length()));
    }

    private final class MemoryOnlyObjects implements ObjectStore {
        @Override
        public void createBucket(String bucket) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public void deleteBucket(String bucket) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public StoredObject put(String bucket, String key, InputStream data, long length, PutOptions options) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public StoredObject put(String bucket, String key, byte[] data, PutOptions options) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
            QueuedObjects.Snapshot pending = smallQueued(bucket, key);
            if (pending != null) {
                return stream(pending.object(), pending.content(), range);
            }
            return stream(cachedOrThrow(bucket, key), range);
        }

        @Override
        public Optional<StoredObject> head(String bucket, String key) {
            QueuedObjects.Snapshot pending = smallQueued(bucket, key);
            if (pending != null) {
                return Optional.of(pending.object());
            }
            return Optional.of(cachedOrThrow(bucket, key).object());
        }

        @Override
        public String etagFor(ByteBuffer content, PutOptions options) {
            return delegate.etagFor(content, options);
        }

        /**
         * The queued version when it is small enough to copy here (a playlist: the copy is made once, under the
         * write's lock); a queued segment is {@link NotInMemoryException}, for the blocking path to copy.
         */
        private QueuedObjects.Snapshot smallQueued(String bucket, String key) {
            if (queued == null) {
                return null;
            }
            long size = queued.queuedSize(bucket, key);
            if (size < 0) {
                return null;
            }
            if (size > maxObjectBytes) {
                throw NotInMemoryException.INSTANCE;
            }
            return queued.snapshot(bucket, key);
        }

        @Override
        public ObjectListing list(String bucket, ListQuery query) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public void delete(String bucket, String key) {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public void close() {
            // a view: the caching store owns the delegate
        }

        private HotObjectCache.Entry cachedOrThrow(String bucket, String key) {
            HotObjectCache.Entry entry = cache.peek(new HotObjectCache.Id(bucket, key));
            if (entry == null) {
                throw NotInMemoryException.INSTANCE;
            }
            return entry;
        }
    }
}
