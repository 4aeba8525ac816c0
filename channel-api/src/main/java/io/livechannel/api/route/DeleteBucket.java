package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.StorageException;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code DELETE /<bucket>/}: 204 for an empty bucket without LiveChannels, else 409 BucketNotEmpty. */
final class DeleteBucket implements Route {
    private final ApiConfig config;

    DeleteBucket(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        if (!config.metadata().channels().list(bucket.name(), "", "", 1).channels().isEmpty()) {
            throw new OssException(OssErrorCode.BUCKET_NOT_EMPTY,
                    "The bucket you tried to delete still has LiveChannels; delete them first.");
        }
        if (!config.objects().list(bucket.name(), ListQuery.prefix("", 1)).objects().isEmpty()) {
            throw new OssException(OssErrorCode.BUCKET_NOT_EMPTY, "The bucket you tried to delete is not empty.");
        }
        config.objects().deleteBucket(bucket.name());
        config.metadata().buckets().delete(bucket.name());
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
