package io.livechannel.api.route;

import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.CorsRule;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Arrays;
import java.util.List;

/**
 * {@code OPTIONS} preflight (Fetch standard §3.2.2; OSS "Preflight"): needs {@code Origin} and
 * {@code Access-Control-Request-Method}; 200 with the Access-Control-Allow-* headers when a rule matches,
 * else 403 AccessForbidden.
 */
final class CorsPreflight implements Route {
    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        String origin = request.headers().get("Origin");
        String method = request.headers().get("Access-Control-Request-Method");
        if (origin == null || method == null) {
            throw new OssException(OssErrorCode.INVALID_REQUEST,
                    "A CORS preflight needs the Origin and Access-Control-Request-Method headers.");
        }
        String requested = request.headers().get("Access-Control-Request-Headers", "");
        List<String> headers = Arrays.stream(requested.split(",")).map(String::trim).filter(h -> !h.isEmpty())
                .toList();
        CorsRule rule = CorsRules.match(bucket, origin, method.trim(), headers)
                .orElseThrow(() -> new OssException(OssErrorCode.CORS_FORBIDDEN,
                        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
                                + "Origin, request method / Access-Control-Request-Method or "
                                + "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."));
        ApiResponse response = ApiResponse.empty(HttpResponseStatus.OK);
        CorsRules.allow(response, rule, origin);
        if (!headers.isEmpty()) {
            response.header("Access-Control-Allow-Headers", String.join(", ", headers));
        }
        return response.header("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    }
}
