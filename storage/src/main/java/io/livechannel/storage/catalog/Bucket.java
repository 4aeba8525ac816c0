package io.livechannel.storage.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A bucket's metadata. Its objects live in the {@link io.livechannel.storage.ObjectStore}. */
public record Bucket(String name, BucketAcl acl, Instant created, List<CorsRule> corsRules) {
    public Bucket {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(acl, "acl");
        Objects.requireNonNull(created, "created");
        corsRules = List.copyOf(corsRules == null ? List.of() : corsRules);
    }
}
