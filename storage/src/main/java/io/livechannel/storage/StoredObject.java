package io.livechannel.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the store knows of one object.
 *
 * @param etag upper-case hex, without quotes (OSS SDKs strip the quotes they receive): the content's MD5 for an
 *             upload, possibly a cheaper content checksum for live output ({@link PutOptions.Origin})
 * @param userMetadata {@code x-oss-meta-*} values keyed by the lower-case suffix
 */
public record StoredObject(String key, long size, String etag, Instant lastModified, String contentType,
                           Map<String, String> userMetadata) {
    public StoredObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
        if (size < 0) {
            throw new IllegalArgumentException("size < 0: " + size);
        }
        // "" is how an object file stores "none": the same object must not read back with another type
        contentType = contentType == null || contentType.isEmpty() ? "application/octet-stream" : contentType;
        userMetadata = Map.copyOf(userMetadata == null ? Map.of() : userMetadata);
    }
}
