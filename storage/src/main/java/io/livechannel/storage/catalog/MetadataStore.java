package io.livechannel.storage.catalog;

/** The whole catalog, one implementation per database; thread-safe; every call blocks. */
public interface MetadataStore extends AutoCloseable {
    BucketCatalog buckets();

    AccessKeyCatalog accessKeys();

    ChannelCatalog channels();

    PushHistory history();

    SegmentIndex segments();

    /** The channels' publish leases (one publisher per channel across the nodes sharing this catalog). */
    PublishLeases leases();

    /**
     * Runs {@code work}, whose calls on this store then commit together: one transaction where the database has
     * them (a failure rolls back all of it and is thrown), one call after another otherwise.
     */
    default void inOneTransaction(Runnable work) {
        work.run();
    }

    /**
     * Subscribes {@code listener} to changes of buckets and access keys made by any process sharing this catalog,
     * this one included; the listener hears {@code listening(true)} once notices are heard.
     *
     * @return false when this catalog has no other writers and sends no notices (the embedded one, the default)
     */
    default boolean subscribe(CatalogChangeListener listener) {
        return false;
    }

    @Override
    void close();
}
