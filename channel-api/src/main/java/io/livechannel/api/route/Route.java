package io.livechannel.api.route;

import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.catalog.Bucket;

/** One operation. Runs on the storage executor; may block. */
public interface Route {
    /**
     * @param bucket the request's bucket, looked up and authorized already; {@code null} for service-level
     *     operations and PutBucket
     * @throws StorageException mapped to OSS codes by the caller ({@code NO_SUCH_KEY} → NoSuchKey, ...)
     */
    ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException;
}
