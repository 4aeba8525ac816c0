package io.livechannel.storage.s3;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectKey;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An {@link ObjectStore} on an S3-compatible service through the AWS SDK v2's blocking client.
 *
 * <p>Behaviour matches the filesystem store (one contract test suite runs against both): keys and bucket names are
 * checked by {@link ObjectKey} before any request; S3 error codes map to the same {@link StorageException.Kind}s
 * ({@link S3Errors}); ETags come back upper-case and unquoted. Puts of known length read the caller's
 * {@link InputStream} into memory up to {@value #MAX_IN_MEMORY_UPLOAD_BYTES} bytes; larger puts and puts of unknown
 * length are staged in {@link S3StoreConfig#spoolDir()} first, because a single PUT needs its length up front and
 * a replayable body (S3 allows 5 GB; multipart is not used). Listed objects carry no content
 * type or user metadata (ListObjects does not return them); {@link #head} does.
 *
 * <p>The SDK's flexible checksums are limited to "when required" so that servers without {@code aws-chunked}
 * trailer support (S3Proxy, older MinIO and Ceph, OSS) accept the requests.
 *
 * <p>Threading: thread-safe and blocking; call it from a storage executor, never a Netty event loop.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
    /**
     * Bodies up to this size are uploaded from memory, larger ones and those of unknown length from a staged file:
     * either way the SDK can replay the body on its own retries (a one-shot stream cannot be replayed). 8 MiB holds
     * a 5-second segment at 12 Mbit/s.
     */
    static final int MAX_IN_MEMORY_UPLOAD_BYTES = 8 << 20;

    private final S3Client client;
    private final S3StoreConfig config;
    private final Clock clock;

    public S3ObjectStore(S3StoreConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.client = S3Client.builder()
                .endpointOverride(config.endpoint())
                .region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())))
                .forcePathStyle(config.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()))
                .build();
        log.info("S3 object store at {} (region {}, path style {})", config.endpoint(), config.region(),
                config.pathStyle());
    }

    public S3ObjectStore(S3StoreConfig config) {
        this(config, Clock.systemUTC());
    }

    @Override
    public void createBucket(String bucket) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        try {
            client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            log.debug("bucket {} exists already", bucket);
        } catch (SdkException e) {
            throw S3Errors.map("create bucket " + bucket, e);
        }
    }

    @Override
    public void deleteBucket(String bucket) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        try {
            client.deleteBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw S3Errors.map("delete bucket " + bucket, e);
        }
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream data, long length, PutOptions options)
            throws StorageException {
        ObjectKey.checkBucketName(bucket);
        ObjectKey.checkedUtf8(key);
        if (length >= 0 && length <= MAX_IN_MEMORY_UPLOAD_BYTES) {
            return upload(bucket, key, RequestBody.fromBytes(readExactly(data, length, key)), length, options);
        }
        Path staged = null;
        try {
            Files.createDirectories(config.spoolDir());
            staged = Files.createTempFile(config.spoolDir(), ".s3-put-", ".tmp");
            long size = Files.copy(data, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (length >= 0 && size != length) {
                throw new StorageException(StorageException.Kind.IO, "content of " + key + " had " + size
                        + " bytes, expected " + length);
            }
            return upload(bucket, key, RequestBody.fromFile(staged), size, options);
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.IO, "staging " + key + " for upload failed: " + e, e);
        } finally {
            deleteStaged(staged);
        }
    }

    private static byte[] readExactly(InputStream data, long length, String key) throws StorageException {
        try {
            byte[] bytes = data.readNBytes((int) length);
            if (bytes.length != length || data.read() >= 0) {
                throw new StorageException(StorageException.Kind.IO, "content of " + key + " did not have the "
                        + length + " bytes announced");
            }
            return bytes;
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.IO, "reading content of " + key + " failed: " + e, e);
        }
    }

    private StoredObject upload(String bucket, String key, RequestBody body, long length, PutOptions options)
            throws StorageException {
        try {
            PutObjectResponse response = client.putObject(b -> b.bucket(bucket).key(key).contentLength(length)
                    .contentType(options.contentType()).metadata(options.userMetadata()), body);
            log.debug("put {}/{} ({} bytes)", bucket, key, length);
            return new StoredObject(key, length, etag(response.eTag()), clock.instant(), options.contentType(),
                    options.userMetadata());
        } catch (SdkException e) {
            throw S3Errors.map("put " + bucket + "/" + key, e);
        }
    }

    @Override
    public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        ObjectKey.checkedUtf8(key);
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(key)
                    .range(range == null ? null : "bytes=" + range.first() + "-" + range.last()));
            GetObjectResponse r = in.response();
            long size = totalSize(r);
            StoredObject object = new StoredObject(key, size, etag(r.eTag()), r.lastModified(), r.contentType(),
                    r.metadata());
            return new ObjectStream(object, served(range, r, size), in);
        } catch (SdkException e) {
            throw S3Errors.map("get " + bucket + "/" + key, e);
        }
    }

    /** The range actually served, from {@code Content-Range: bytes first-last/total} (RFC 9110 §14.4). */
    private static ByteRange served(ByteRange requested, GetObjectResponse r, long size) {
        if (requested == null) {
            return null;
        }
        String contentRange = r.contentRange();
        if (contentRange == null) { // the server ignored the range and sent everything
            return new ByteRange(0, size - 1);
        }
        String span = contentRange.substring(contentRange.indexOf(' ') + 1, contentRange.indexOf('/'));
        int dash = span.indexOf('-');
        return new ByteRange(Long.parseLong(span.substring(0, dash)), Long.parseLong(span.substring(dash + 1)));
    }

    private static long totalSize(GetObjectResponse r) {
        String contentRange = r.contentRange();
        if (contentRange != null && contentRange.indexOf('/') > 0) {
            return Long.parseLong(contentRange.substring(contentRange.indexOf('/') + 1).trim());
        }
        return r.contentLength();
    }

    @Override
    public Optional<StoredObject> head(String bucket, String key) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        ObjectKey.checkedUtf8(key);
        try {
            HeadObjectResponse r = client.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new StoredObject(key, r.contentLength(), etag(r.eTag()), r.lastModified(),
                    r.contentType(), r.metadata()));
        } catch (SdkException e) {
            if (!S3Errors.isNotFound(e)) {
                throw S3Errors.map("head " + bucket + "/" + key, e);
            }
        }
        requireBucket(bucket); // a HEAD 404 has no body: tell a missing key from a missing bucket
        return Optional.empty();
    }

    private void requireBucket(String bucket) throws StorageException {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                throw new StorageException(StorageException.Kind.NO_SUCH_BUCKET, "no such bucket " + bucket, e);
            }
            throw S3Errors.map("head bucket " + bucket, e);
        }
    }

    @Override
    public ObjectListing list(String bucket, ListQuery query) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        try {
            ListObjectsResponse r = client.listObjects(b -> b.bucket(bucket)
                    .prefix(query.prefix().isEmpty() ? null : query.prefix())
                    .marker(query.marker().isEmpty() ? null : query.marker())
                    .delimiter(query.delimiter().isEmpty() ? null : query.delimiter())
                    .maxKeys(query.maxKeys()));
            List<StoredObject> objects = new ArrayList<>();
            for (S3Object o : r.contents()) {
                objects.add(new StoredObject(o.key(), o.size(), etag(o.eTag()), o.lastModified(), null, null));
            }
            List<String> prefixes = r.commonPrefixes().stream().map(CommonPrefix::prefix).toList();
            boolean truncated = Boolean.TRUE.equals(r.isTruncated());
            return new ObjectListing(objects, prefixes, truncated, truncated ? lastOf(objects, prefixes) : null);
        } catch (SdkException e) {
            throw S3Errors.map("list " + bucket, e);
        }
    }

    /** The page's last entry in UTF-8 order; S3 sends NextMarker only with a delimiter, so compute it. */
    private static String lastOf(List<StoredObject> objects, List<String> prefixes) {
        String lastKey = objects.isEmpty() ? null : objects.get(objects.size() - 1).key();
        String lastPrefix = prefixes.isEmpty() ? null : prefixes.get(prefixes.size() - 1);
        if (lastKey == null || lastPrefix == null) {
            return lastKey == null ? lastPrefix : lastKey;
        }
        return Arrays.compareUnsigned(lastKey.getBytes(StandardCharsets.UTF_8),
                lastPrefix.getBytes(StandardCharsets.UTF_8)) > 0 ? lastKey : lastPrefix;
    }

    @Override
    public void delete(String bucket, String key) throws StorageException {
        ObjectKey.checkBucketName(bucket);
        ObjectKey.checkedUtf8(key);
        try {
            client.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw S3Errors.map("delete " + bucket + "/" + key, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** S3 sends {@code "d41d8cd9..."}; OSS SDKs expect upper-case hex without quotes. */
    private static String etag(String raw) {
        if (raw == null) {
            return "";
        }
        String unquoted = raw.startsWith("\"") && raw.endsWith("\"") && raw.length() >= 2
                ? raw.substring(1, raw.length() - 1) : raw;
        return unquoted.toUpperCase(Locale.ROOT);
    }

    private static void deleteStaged(Path staged) {
        if (staged != null) {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                log.warn("cannot delete staged upload {}: {}", staged, e.toString());
            }
        }
    }
}
