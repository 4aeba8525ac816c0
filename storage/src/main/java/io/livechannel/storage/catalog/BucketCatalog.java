package io.livechannel.storage.catalog;

import java.util.List;
import java.util.Optional;

/** Buckets by name. */
public interface BucketCatalog {
    /** @return false when a bucket of that name exists already (it is left unchanged) */
    boolean create(Bucket bucket);

    Optional<Bucket> find(String name);

    /** All buckets in name order. */
    List<Bucket> list();

    /** @return false when there was no such bucket */
    boolean delete(String name);

    /** @return false when there is no such bucket */
    boolean setAcl(String name, BucketAcl acl);

    /** Replaces the CORS rules; an empty list deletes them. @return false when there is no such bucket */
    boolean setCorsRules(String name, List<CorsRule> rules);
}
