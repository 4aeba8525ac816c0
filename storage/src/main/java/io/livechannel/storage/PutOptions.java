package io.livechannel.storage;

import java.util.Map;

/**
 * Attributes given with a put: the content type and {@code x-oss-meta-*} user metadata.
 *
 * <p>Limits (checked here, so an oversized instance cannot exist): user metadata names and values together at
 * most {@value #MAX_USER_METADATA_BYTES} UTF-8 bytes (the OSS limit); a content type at most
 * {@value #MAX_CONTENT_TYPE_LENGTH} characters.
 */
public record PutOptions(String contentType, Map<String, String> userMetadata) {
    /** OSS allows 8 KB of user metadata per object. */
    public static final int MAX_USER_METADATA_BYTES = 8 * 1024;
    /** Far above any real media type; keeps stored headers small. */
    public static final int MAX_CONTENT_TYPE_LENGTH = 1024;

    public PutOptions {
        userMetadata = Map.copyOf(userMetadata == null ? Map.of() : userMetadata);
        if (contentType != null && contentType.length() > MAX_CONTENT_TYPE_LENGTH) {
            throw new IllegalArgumentException("content type of " + contentType.length()
                    + " chars exceeds MAX_CONTENT_TYPE_LENGTH " + MAX_CONTENT_TYPE_LENGTH);
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : userMetadata.entrySet()) {
            bytes += e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_USER_METADATA_BYTES) {
            throw new IllegalArgumentException("user metadata of " + bytes + " bytes exceeds MAX_USER_METADATA_BYTES "
                    + MAX_USER_METADATA_BYTES);
        }
    }

    public static PutOptions of(String contentType) {
        return new PutOptions(contentType, Map.of());
    }
}
