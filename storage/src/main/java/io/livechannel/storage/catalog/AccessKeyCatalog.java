package io.livechannel.storage.catalog;

import java.util.Optional;

/** Access keys by id. Every key may act on every bucket (one tenant per server). */
public interface AccessKeyCatalog {
    /** Adds the key or replaces the secret of an existing id. */
    void put(AccessKey key);

    Optional<AccessKey> find(String id);
}
