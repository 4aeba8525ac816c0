/**
 * In-memory caches in front of the catalog and the object store, so that a live playlist GET needs no database
 * round trip and no file open: {@link io.livechannel.storage.cache.CachingMetadataStore} (buckets and access
 * keys), {@link io.livechannel.storage.cache.CachingObjectStore} (small, hot objects), and their
 * {@link io.livechannel.storage.cache.MemoryOnlyStores memory-only views}, which answer from memory or throw
 * {@link io.livechannel.storage.cache.NotInMemoryException} and so may be called on a Netty event loop.
 *
 * <p>Coherence: every write goes through the caching decorator, which invalidates what it changes. That is
 * enough while this server is the only writer of its catalog and of its object store (the embedded SQLite
 * catalog and the filesystem store). A PostgreSQL catalog shared by several nodes sends change notices
 * (LISTEN/NOTIFY) that the metadata cache applies, and bypasses it while they cannot be heard. An object store
 * shared by several nodes gets a maximum age in the object cache
 * ({@link io.livechannel.storage.cache.CachingObjectStore#SHARED_MAX_AGE}): another node's write is seen within it.
 */
package io.livechannel.storage.cache;
