package io.livechannel.storage.cache;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.catalog.MetadataStore;
import java.util.Objects;

/**
 * Views of the caches that never block, for a Netty event loop: every read either answers from memory or throws
 * {@link NotInMemoryException} (the caller then redoes the whole request on a storage thread); every write
 * throws it. Because they implement the ordinary store interfaces, the same request code runs on both paths and
 * cannot answer differently.
 *
 * @param objects {@link CachingObjectStore#memoryOnly()}
 * @param metadata {@link CachingMetadataStore#memoryOnly()}
 */
public record MemoryOnlyStores(ObjectStore objects, MetadataStore metadata) {
    public MemoryOnlyStores {
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** The memory-only views of a caching object store and a caching catalog. */
    public static MemoryOnlyStores of(CachingObjectStore objects, CachingMetadataStore metadata) {
        return new MemoryOnlyStores(objects.memoryOnly(), metadata.memoryOnly());
    }
}
