package io.livechannel.storage.catalog;

/** The whole catalog, one implementation per database; thread-safe; every call blocks. */
public interface MetadataStore extends AutoCloseable {
    BucketCatalog buckets();

    AccessKeyCatalog accessKeys();

    ChannelCatalog channels();

    PushHistory history();

    SegmentIndex segments();

    @Override
    void close();
}
