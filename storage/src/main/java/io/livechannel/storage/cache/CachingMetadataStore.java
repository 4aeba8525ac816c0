package io.livechannel.storage.cache;

import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.BucketCatalog;
import io.livechannel.storage.catalog.CatalogChangeListener;
import io.livechannel.storage.catalog.ChannelCatalog;
import io.livechannel.storage.catalog.CorsRule;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PublishLeases;
import io.livechannel.storage.catalog.PushHistory;
import io.livechannel.storage.catalog.SegmentIndex;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link MetadataStore} that keeps bucket lookups (name, ACL, CORS rules; found or absent) and access keys in
 * memory, so that the API's per-request lookups need no database round trip. Channels, history and the segment
 * index go straight to the delegate.
 *
 * <p>Lifecycle: wraps an open store and closes it in {@link #close()}. Entries are filled on first lookup and
 * invalidated by every write made through this object. A catalog shared with other nodes
 * ({@link MetadataStore#subscribe} returns true) also invalidates the entries those nodes write, as their change
 * notices arrive; while notices cannot be heard the cache is bypassed (every lookup reads the catalog, and keeps
 * what it read) and it starts empty again when they can. While the catalog cannot be reached at all, a lookup
 * answers with what this node read last for that name, if anything: the database being down then stops writes
 * and uncached reads (503), not playback and signed reads of known buckets with known keys. Staleness bound on a shared catalog: another node's write is applied here when
 * its notice arrives (milliseconds: {@code SharedCatalogCacheTest} measures it); a notice connection that the
 * server closes is noticed at once, one dropped silently by the network within about 4 s (see
 * {@code PostgresChangeFeed}), the longest an entry can be served after another node changed it.
 * {@link #memoryOnly()} is a view for event loops.
 *
 * <p>Limits: at most {@value #MAX_ENTRIES} bucket names and as many access key ids (see
 * {@link ReadThroughCache}). Threading: thread-safe; calls that miss the cache block like the delegate's.
 */
public final class CachingMetadataStore implements MetadataStore {
    /** Far above the buckets and keys of one server; bounds what lookups of random names can cost. */
    static final int MAX_ENTRIES = 10_000;

    private final MetadataStore delegate;
    private final ReadThroughCache<String, Bucket> buckets = new ReadThroughCache<>(MAX_ENTRIES);
    private final ReadThroughCache<String, AccessKey> keys = new ReadThroughCache<>(MAX_ENTRIES);
    private final BucketCatalog bucketCatalog;
    private final AccessKeyCatalog keyCatalog;
    private final MetadataStore memoryOnly;
    /** True while other writers' changes may go unheard: lookups then bypass the maps. */
    private volatile boolean bypass = true;

    public CachingMetadataStore(MetadataStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.bucketCatalog = new CachedBuckets(delegate.buckets());
        this.keyCatalog = new CachedKeys(delegate.accessKeys());
        this.memoryOnly = new MemoryOnly();
        if (!delegate.subscribe(new Invalidator())) {
            bypass = false; // no other writers: every change goes through this object
        }
    }

    /** Applies the shared catalog's change notices to the maps. */
    private final class Invalidator implements CatalogChangeListener {
        @Override
        public void changed(Kind kind, String name) {
            switch (kind) {
                case BUCKET -> buckets.invalidate(name);
                case ACCESS_KEY -> keys.invalidate(name);
                case PUBLISH_KICK -> { } // not cached here
                default -> throw new IllegalStateException("unhandled kind " + kind);
            }
        }

        @Override
        public void listening(boolean listening) {
            if (listening) {
                buckets.clear();
                keys.clear();
                bypass = false;
            } else {
                bypass = true; // the entries stay, as the last values read, for lookups the catalog cannot answer
            }
        }
    }

    /** Whether lookups are answered from memory now (false while a shared catalog's notices are not heard). */
    public boolean caching() {
        return !bypass;
    }

    @Override
    public BucketCatalog buckets() {
        return bucketCatalog;
    }

    @Override
    public AccessKeyCatalog accessKeys() {
        return keyCatalog;
    }

    @Override
    public ChannelCatalog channels() {
        return delegate.channels();
    }

    @Override
    public PushHistory history() {
        return delegate.history();
    }

    @Override
    public SegmentIndex segments() {
        return delegate.segments();
    }

    @Override
    public PublishLeases leases() {
        return delegate.leases();
    }

    /** Subscribes {@code listener} to the shared catalog's notices too (this cache keeps its own subscription). */
    @Override
    public boolean subscribe(CatalogChangeListener listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public void inOneTransaction(Runnable work) {
        delegate.inOneTransaction(work);
    }

    /**
     * A view that answers {@code buckets().find} and {@code accessKeys().find} from memory and throws
     * {@link NotInMemoryException} for everything else (a name not looked up yet, any write, channels, history,
     * segments); never blocks.
     */
    public MetadataStore memoryOnly() {
        return memoryOnly;
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class CachedBuckets implements BucketCatalog {
        private final BucketCatalog source;

        CachedBuckets(BucketCatalog source) {
            this.source = source;
        }

        @Override
        public boolean create(Bucket bucket) {
            return buckets.write(bucket.name(), () -> source.create(bucket));
        }

        @Override
        public Optional<Bucket> find(String name) {
            return bypass ? buckets.refresh(name, source::find) : buckets.get(name, source::find);
        }

        @Override
        public List<Bucket> list() {
            return source.list();
        }

        @Override
        public boolean delete(String name) {
            return buckets.write(name, () -> source.delete(name));
        }

        @Override
        public boolean setAcl(String name, BucketAcl acl) {
            return buckets.write(name, () -> source.setAcl(name, acl));
        }

        @Override
        public boolean setCorsRules(String name, List<CorsRule> rules) {
            return buckets.write(name, () -> source.setCorsRules(name, rules));
        }
    }

    private final class CachedKeys implements AccessKeyCatalog {
        private final AccessKeyCatalog source;

        CachedKeys(AccessKeyCatalog source) {
            this.source = source;
        }

        @Override
        public void put(AccessKey key) {
            keys.write(key.id(), () -> {
                source.put(key);
                return null;
            });
        }

        @Override
        public Optional<AccessKey> find(String id) {
            return bypass ? keys.refresh(id, source::find) : keys.get(id, source::find);
        }
    }

    private final class MemoryOnly implements MetadataStore {
        private final BucketCatalog memoryBuckets = new BucketCatalog() {
            @Override
            public boolean create(Bucket bucket) {
                throw NotInMemoryException.INSTANCE;
            }

            @Override
            public Optional<Bucket> find(String name) {
                return cachedOrThrow(buckets.peek(name));
            }

            @Override
            public List<Bucket> list() {
                throw NotInMemoryException.INSTANCE;
            }

            @Override
            public boolean delete(String name) {
                throw NotInMemoryException.INSTANCE;
            }

            @Override
            public boolean setAcl(String name, BucketAcl acl) {
                throw NotInMemoryException.INSTANCE;
            }

            @Override
            public boolean setCorsRules(String name, List<CorsRule> rules) {
                throw NotInMemoryException.INSTANCE;
            }
        };
        private final AccessKeyCatalog memoryKeys = new AccessKeyCatalog() {
            @Override
            public void put(AccessKey key) {
                throw NotInMemoryException.INSTANCE;
            }

            @Override
            public Optional<AccessKey> find(String id) {
                return cachedOrThrow(keys.peek(id));
            }
        };

        @Override
        public BucketCatalog buckets() {
            return memoryBuckets;
        }

        @Override
        public AccessKeyCatalog accessKeys() {
            return memoryKeys;
        }

        @Override
        public ChannelCatalog channels() {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public PushHistory history() {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public SegmentIndex segments() {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public PublishLeases leases() {
            throw NotInMemoryException.INSTANCE;
        }

        @Override
        public void close() {
            // a view: the caching store owns the delegate
        }
    }

    private <V> Optional<V> cachedOrThrow(Optional<V> cached) {
        if (cached == null || bypass) {
            throw NotInMemoryException.INSTANCE;
        }
        return cached;
    }
}
