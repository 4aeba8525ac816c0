package io.livechannel.storage;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Stores objects by bucket and key. The two implementations are the filesystem store (the embedded default)
 * and the S3-compatible store.
 *
 * <p>Every method blocks on I/O: call it from a storage executor, never from a Netty event loop.
 * Implementations are thread-safe.
 *
 * <p>Errors: a missing bucket or key is a {@link StorageException} whose {@link StorageException#kind()} says
 * which; keys and bucket names breaking {@link ObjectKey}'s rules are {@code INVALID_KEY} /
 * {@code INVALID_BUCKET_NAME} (checked before any I/O); any other failure is {@link StorageException.Kind#IO}.
 */
public interface ObjectStore extends AutoCloseable {

    /** Creates the bucket's key space; does nothing when it exists. */
    void createBucket(String bucket) throws StorageException;

    /** Removes an empty bucket's key space; {@link StorageException.Kind#BUCKET_NOT_EMPTY} otherwise. */
    void deleteBucket(String bucket) throws StorageException;

    /**
     * Stores an object atomically: readers see the old object or the whole new one, never part of it.
     *
     * @param data read to its end and not closed; {@code length} is its byte count, or -1 when unknown
     * @return the stored object's attributes, with the ETag as the OSS SDKs expect (upper-case hex MD5 for an
     *         {@link PutOptions.Origin#UPLOAD}; see {@link PutOptions.Origin} for the others)
     */
    StoredObject put(String bucket, String key, InputStream data, long length, PutOptions options)
            throws StorageException;

    /** Stores an object from memory; see {@link #put(String, String, InputStream, long, PutOptions)}. */
    default StoredObject put(String bucket, String key, byte[] data, PutOptions options) throws StorageException {
        return put(bucket, key, ByteBuffer.wrap(data), options);
    }

    /**
     * Stores {@code data}'s remaining bytes; see {@link #put(String, String, InputStream, long, PutOptions)}. The
     * buffer's position and limit are not moved (a duplicate is read), so the caller may pass the same buffer
     * again, and it is not retained after the call returns. A direct buffer (a pooled Netty segment buffer) is
     * where this pays: the filesystem store writes it to the file without a copy through the Java heap; the
     * default reads it as a stream.
     */
    default StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        return put(bucket, key, new ByteBufferInputStream(data), data.remaining(), options);
    }

    /**
     * The ETag a put of {@code content} with {@code options} gets, computed from the bytes without storing them:
     * what a reader is shown for a write still queued ({@code storage.write.QueuedObjects}), so that the ETag does
     * not change when the write lands. The default is the upper-case hex MD5 (OSS and S3 for a single PUT); a store
     * that tags some origins otherwise overrides it. Does no I/O; {@code content}'s position is not moved.
     */
    default String etagFor(ByteBuffer content, PutOptions options) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(content.duplicate());
            return HexFormat.of().withUpperCase().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /**
     * Opens an object for reading, whole or one byte range. The caller closes the returned stream.
     *
     * @param range {@code null} for the whole object; a range whose end is past the object's end is clamped to its
     *              last byte ({@link ObjectStream#range()} is the range served); a range starting at or past the end
     *              is {@link StorageException.Kind#INVALID_RANGE} (HTTP 416)
     */
    ObjectStream get(String bucket, String key, ByteRange range) throws StorageException;

    /** The object's attributes, or empty when the key does not exist. */
    Optional<StoredObject> head(String bucket, String key) throws StorageException;

    /**
     * Lists keys in UTF-8 binary order (as OSS and S3 do), after {@code query.marker()}. Listed objects carry key,
     * size, ETag and last-modified time; their content type and user metadata are unspecified (S3 listings do not
     * return them): use {@link #head}.
     */
    ObjectListing list(String bucket, ListQuery query) throws StorageException;

    /** Deletes an object; deleting a missing key succeeds (OSS answers 204 either way). */
    void delete(String bucket, String key) throws StorageException;

    @Override
    void close();
}
