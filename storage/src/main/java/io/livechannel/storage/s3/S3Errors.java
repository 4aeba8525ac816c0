package io.livechannel.storage.s3;

import io.livechannel.storage.StorageException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Maps SDK failures to the {@link StorageException.Kind}s the filesystem store uses, by S3 error code
 * (Amazon S3 API Reference, "Error responses"), so callers branch the same way on both backends.
 */
final class S3Errors {
    private S3Errors() {
    }

    static StorageException map(String what, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            StorageException.Kind kind = kindOf(code, s3.statusCode());
            return new StorageException(kind, what + " failed: " + (code == null ? "HTTP " + s3.statusCode() : code), e);
        }
        return new StorageException(StorageException.Kind.IO, what + " failed: " + e.getMessage(), e);
    }

    private static StorageException.Kind kindOf(String code, int status) {
        if (code == null) {
            return status == 416 ? StorageException.Kind.INVALID_RANGE : StorageException.Kind.IO;
        }
        return switch (code) {
            case "NoSuchBucket" -> StorageException.Kind.NO_SUCH_BUCKET;
            case "NoSuchKey" -> StorageException.Kind.NO_SUCH_KEY;
            case "BucketNotEmpty" -> StorageException.Kind.BUCKET_NOT_EMPTY;
            case "InvalidRange" -> StorageException.Kind.INVALID_RANGE;
            case "InvalidBucketName" -> StorageException.Kind.INVALID_BUCKET_NAME;
            case "KeyTooLongError" -> StorageException.Kind.INVALID_KEY;
            case "BucketAlreadyExists", "OperationAborted" -> StorageException.Kind.CONFLICT;
            default -> StorageException.Kind.IO;
        };
    }

    static boolean isNotFound(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404;
    }
}
