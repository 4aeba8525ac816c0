package io.livechannel.storage.catalog;

import java.util.Objects;

/** An access key pair. {@link #toString()} never shows the secret. */
public record AccessKey(String id, String secret) {
    public AccessKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "AccessKey[id=" + id + ", secret=***]";
    }
}
