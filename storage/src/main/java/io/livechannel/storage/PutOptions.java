package io.livechannel.storage;

import java.util.Map;

/** Attributes given with a put: the content type and {@code x-oss-meta-*} user metadata. */
public record PutOptions(String contentType, Map<String, String> userMetadata) {
    public PutOptions {
        userMetadata = Map.copyOf(userMetadata == null ? Map.of() : userMetadata);
    }

    public static PutOptions of(String contentType) {
        return new PutOptions(contentType, Map.of());
    }
}
