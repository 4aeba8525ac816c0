package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.StorageException;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code DELETE /<bucket>/<key>} (wire spec §7.4): 204, also for a missing key. A deleted {@code .ts} is
 * dropped from the VoD segment index so later VoD playlists do not list it.
 */
final class DeleteObject implements Route {
    private final ApiConfig config;

    DeleteObject(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        ObjectKeys.check(request.key());
        config.objects().delete(bucket.name(), request.key());
        if (request.key().endsWith(".ts")) {
            config.metadata().segments().remove(bucket.name(), request.key());
        }
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
