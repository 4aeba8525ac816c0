package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/** {@code DELETE /<bucket>/?cors}: 204, rules removed. */
final class DeleteBucketCors implements Route {
    private final ApiConfig config;

    DeleteBucketCors(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        config.metadata().buckets().setCorsRules(bucket.name(), List.of());
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
