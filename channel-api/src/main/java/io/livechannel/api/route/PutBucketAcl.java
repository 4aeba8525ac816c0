package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code PUT /<bucket>/?acl} with {@code x-oss-acl} (required): 200. */
final class PutBucketAcl implements Route {
    private final ApiConfig config;

    PutBucketAcl(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        BucketAcl acl = BucketAcls.fromHeader(request, null);
        if (acl == null) {
            throw ChannelConfigParser.invalid("PutBucketAcl needs the x-oss-acl header");
        }
        config.metadata().buckets().setAcl(bucket.name(), acl);
        return ApiResponse.empty(HttpResponseStatus.OK);
    }
}
