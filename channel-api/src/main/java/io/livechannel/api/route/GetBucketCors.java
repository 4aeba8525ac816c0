package io.livechannel.api.route;

import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.api.xml.CorsConfiguration;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.CorsRule;

/** {@code GET /<bucket>/?cors}: the rules, or 404 NoSuchCORSConfiguration when there are none. */
final class GetBucketCors implements Route {
    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        if (bucket.corsRules().isEmpty()) {
            throw new OssException(OssErrorCode.NO_SUCH_CORS_CONFIGURATION, "The CORS Configuration does not exist.");
        }
        return ApiResponse.xml(OssXml.write(new CorsConfiguration(bucket.corsRules().stream()
                .map(GetBucketCors::toXml).toList())));
    }

    private static CorsConfiguration.Rule toXml(CorsRule r) {
        return new CorsConfiguration.Rule(r.allowedOrigins(), r.allowedMethods(),
                r.allowedHeaders().isEmpty() ? null : r.allowedHeaders(),
                r.exposeHeaders().isEmpty() ? null : r.exposeHeaders(),
                r.maxAgeSeconds() > 0 ? Integer.toString(r.maxAgeSeconds()) : null);
    }
}
