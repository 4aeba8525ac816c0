package io.livechannel.storage;

import java.util.Map;
import java.util.Objects;

/**
 * Attributes given with a put: the content type, {@code x-oss-meta-*} user metadata, and where the object comes
 * from ({@link Origin}), which decides its ETag and, in the filesystem store, whether it is forced to disk.
 *
 * <p>Limits (checked here, so an oversized instance cannot exist): user metadata names and values together at
 * most {@value #MAX_USER_METADATA_BYTES} UTF-8 bytes (the OSS limit); a content type at most
 * {@value #MAX_CONTENT_TYPE_LENGTH} characters.
 */
public record PutOptions(String contentType, Map<String, String> userMetadata, Origin origin) {
    /** OSS allows 8 KB of user metadata per object. */
    public static final int MAX_USER_METADATA_BYTES = 8 * 1024;
    /** Far above any real media type; keeps stored headers small. */
    public static final int MAX_CONTENT_TYPE_LENGTH = 1024;

    /**
     * Who produced the object's bytes.
     *
     * <ul>
     *   <li>{@link #UPLOAD}: a client (PutObject and other API calls). The ETag is the content's MD5, as the OSS
     *       SDKs check it against the MD5 they computed while sending.</li>
     *   <li>{@link #LIVE_OUTPUT}: the server itself (live segments and playlists), superseded within seconds. The
     *       store may use a cheaper content checksum as the ETag: OSS documents that the ETag is the MD5 only for
     *       objects created by PutObject, and clients only compare it with other ETags of the same key
     *       ({@code If-None-Match}). The S3 store ignores the origin (S3 computes its own ETags).</li>
     * </ul>
     */
    public enum Origin {
        UPLOAD, LIVE_OUTPUT
    }

    public PutOptions {
        Objects.requireNonNull(origin, "origin");
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

    /** A client's upload ({@link Origin#UPLOAD}). */
    public PutOptions(String contentType, Map<String, String> userMetadata) {
        this(contentType, userMetadata, Origin.UPLOAD);
    }

    /** A client's upload ({@link Origin#UPLOAD}) without user metadata. */
    public static PutOptions of(String contentType) {
        return new PutOptions(contentType, Map.of());
    }

    /** An object the server writes itself ({@link Origin#LIVE_OUTPUT}): a live segment or playlist. */
    public static PutOptions liveOutput(String contentType) {
        return new PutOptions(contentType, Map.of(), Origin.LIVE_OUTPUT);
    }
}
