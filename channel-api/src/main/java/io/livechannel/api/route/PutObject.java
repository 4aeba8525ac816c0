package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code PUT /<bucket>/<key>} (wire spec §7.1): stores the body (size-limited by the aggregator, Content-MD5
 * checked before this runs) with its Content-Type and {@code x-oss-meta-*}; answers 200 with the quoted ETag and
 * {@code x-oss-hash-crc64ecma}, which the Java SDK checks against its own CRC of what it sent.
 */
final class PutObject implements Route {
    private static final String META = "x-oss-meta-";

    private final ApiConfig config;

    PutObject(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        ObjectKeys.check(request.key());
        Map<String, String> meta = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(META) && name.length() > META.length()) {
                meta.put(name.substring(META.length()), h.getValue());
            }
        }
        String contentType = request.headers().get("Content-Type");
        StoredObject stored = config.objects().put(bucket.name(), request.key(), request.body(),
                new PutOptions(contentType == null || contentType.isBlank() ? null : contentType, meta));
        return ApiResponse.empty(HttpResponseStatus.OK).header("ETag", "\"" + stored.etag() + "\"")
                .header("x-oss-hash-crc64ecma", Crc64Ecma.of(request.body()));
    }
}
