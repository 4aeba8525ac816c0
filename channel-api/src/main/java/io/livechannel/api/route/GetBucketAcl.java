package io.livechannel.api.route;

import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.xml.AccessControlPolicy;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.Bucket;

/** {@code GET /<bucket>/?acl}: {@code <AccessControlPolicy>} with the canned ACL as {@code <Grant>}. */
final class GetBucketAcl implements Route {
    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) {
        return ApiResponse.xml(OssXml.write(new AccessControlPolicy(Owners.SERVER,
                new AccessControlPolicy.AccessControlList(bucket.acl().wireValue()))));
    }
}
