package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.catalog.BucketAcl;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * {@code PUT /<bucket>/} with optional {@code x-oss-acl}: creates the bucket (default {@code private}). Creating
 * an existing bucket succeeds and applies a given {@code x-oss-acl}: the server has one tenant, so the bucket is
 * the caller's own (OSS answers 200 to its owner too). The optional CreateBucketConfiguration body is ignored.
 */
final class PutBucket implements Route {
    private final ApiConfig config;

    PutBucket(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket none) throws OssException, StorageException {
        String name = request.bucket();
        if (!BucketAcls.BUCKET_NAME.matcher(name).matches()) {
            throw new OssException(OssErrorCode.INVALID_BUCKET_NAME, "The specified bucket is not valid: '"
                    + ChannelConfigParser.shorten(name) + "' (3..63 of a-z 0-9 -, starting and ending with a letter "
                    + "or digit).");
        }
        BucketAcl acl = BucketAcls.fromHeader(request, null);
        config.objects().createBucket(name);
        boolean created = config.metadata().buckets().create(new Bucket(name,
                acl == null ? BucketAcl.PRIVATE : acl, config.clock().instant(), List.of()));
        if (!created && acl != null) {
            config.metadata().buckets().setAcl(name, acl);
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }
}
