package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.xml.ListAllMyBucketsResult;
import io.livechannel.api.xml.OssXml;
import java.util.List;

/** {@code GET /} on a server name: every bucket ({@code ListAllMyBucketsResult}). Signed requests only. */
final class GetService implements Route {
    private final ApiConfig config;

    GetService(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket none) throws OssException {
        List<ListAllMyBucketsResult.BucketEntry> entries = config.metadata().buckets().list().stream()
                .map(b -> new ListAllMyBucketsResult.BucketEntry(b.name(), OssXml.date(b.created()), "local",
                        "Standard"))
                .toList();
        return ApiResponse.xml(OssXml.write(new ListAllMyBucketsResult(Owners.SERVER,
                new ListAllMyBucketsResult.Buckets(entries))));
    }
}
