package io.livechannel.storage.cache;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
 * <p>Coherence: {@code put} (every overload: the default ones end in the stream put), {@code delete} and
 * {@code deleteBucket} invalidate the key (or bucket) before and after writing, so that a reader never sees an
 * older version than the store would give once the write returned. Writes bypassing this object (another process,
 * another node on a shared S3 bucket) are not seen: see the package Javadoc.
 *
 * <p>Lifecycle: wraps an open store and closes it in {@link #close()}. Threading: thread-safe; cache misses block
 * like the delegate; {@link #memoryOnly()} is a view for event loops.
 */
public final class CachingObjectStore implements ObjectStore {
    /** Live playlists are well under 4 KiB; 64 KiB covers long event windows (thousands of segments). */
    public static final int DEFAULT_MAX_OBJECT_BYTES = 64 * 1024;
    public static final long DEFAULT_MAX_TOTAL_BYTES = 32L * 1024 * 1024;

    private final ObjectStore delegate;
    private final HotObjectCache cache;
    private final int maxObjectBytes;
    private final ObjectStore memoryOnly = new MemoryOnlyObjects();

    public CachingObjectStore(ObjectStore delegate, int maxObjectBytes, long maxTotalBytes) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (maxObjectBytes < 0 || maxTotalBytes < 0) {
            throw new IllegalArgumentException("negative cache limit: " + maxObjectBytes + ", " + maxTotalBytes);
        }
        this.maxObjectBytes = maxObjectBytes;
        this.cache = new HotObjectCache(maxTotalBytes);
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
        return write(bucket, key, () -> delegate.put(bucket, key, data, options));
    }

    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        return write(bucket, key, () -> delegate.put(bucket, key, data, options));
    }

    @Override
    public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
        HotObjectCache.Id id = new HotObjectCache.Id(bucket, key);
        HotObjectCache.Entry cached = cache.peek(id);
        if (cached != null) {
            return stream(cached, range);
        }
        long generation = cache.generation(id);
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
        HotObjectCache.Entry entry = new HotObjectCache.Entry(stream.object(), content);
        if (content.length == stream.object().size()) {
            cache.install(id, entry, generation);
        }
        return stream(entry, null);
    }

    @Override
    public Optional<StoredObject> head(String bucket, String key) throws StorageException {
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
        HotObjectCache.Id id = new HotObjectCache.Id(bucket, key);
        cache.invalidate(id);
        try {
            return op.run();
        } finally {
            cache.invalidate(id);
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

    /** The object from memory, with the range clamped as {@link ObjectStore#get} specifies. */
    private static ObjectStream stream(HotObjectCache.Entry entry, ByteRange range) throws StorageException {
        StoredObject object = entry.object();
        if (range == null) {
            return new ObjectStream(object, null, new ByteArrayInputStream(entry.content()));
        }
        if (range.first() >= object.size()) {
            throw new StorageException(StorageException.Kind.INVALID_RANGE, "range starts at " + range.first()
                    + " but " + object.key() + " has " + object.size() + " bytes");
        }
        ByteRange served = new ByteRange(range.first(), Math.min(range.last(), object.size() - 1));
        return new ObjectStream(object, served, new ByteArrayInputStream(entry.content(), (int) served.first(),
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
            return stream(cachedOrThrow(bucket, key), range);
        }

        @Override
        public Optional<StoredObject> head(String bucket, String key) {
            return Optional.of(cachedOrThrow(bucket, key).object());
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
