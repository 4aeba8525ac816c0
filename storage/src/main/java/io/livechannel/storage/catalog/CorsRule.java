package io.livechannel.storage.catalog;

import java.util.List;

/** One {@code <CORSRule>} of a bucket (OSS PutBucketCors). */
public record CorsRule(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                       List<String> exposeHeaders, int maxAgeSeconds) {
    public CorsRule {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders == null ? List.of() : allowedHeaders);
        exposeHeaders = List.copyOf(exposeHeaders == null ? List.of() : exposeHeaders);
    }
}
