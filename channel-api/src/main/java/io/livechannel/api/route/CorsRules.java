package io.livechannel.api.route;

import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.CorsRule;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Matching of a request against a bucket's CORS rules (OSS PutBucketCors semantics): the first rule whose
 * AllowedOrigin matches the {@code Origin} (one {@code *} wildcard allowed per pattern), whose AllowedMethod
 * contains the method and whose AllowedHeader patterns cover every requested header (case-insensitive) wins.
 */
public final class CorsRules {
    private CorsRules() {
    }

    static Optional<CorsRule> match(Bucket bucket, String origin, String method, List<String> requestHeaders) {
        for (CorsRule rule : bucket.corsRules()) {
            if (rule.allowedOrigins().stream().anyMatch(p -> wildcard(p, origin, false))
                    && rule.allowedMethods().contains(method)
                    && requestHeaders.stream().allMatch(h -> rule.allowedHeaders().stream()
                            .anyMatch(p -> wildcard(p, h, true)))) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /**
     * Adds {@code Access-Control-Allow-Origin} (and Expose-Headers, Allow-Methods, Max-Age) to an actual
     * (non-preflight) response when the request has an {@code Origin} that a rule of the bucket allows; does
     * nothing otherwise. {@code Vary: Origin} is always added when the bucket has rules, for shared caches.
     */
    public static void addResponseHeaders(Bucket bucket, OssRequest request, ApiResponse response) {
        if (bucket.corsRules().isEmpty()) {
            return;
        }
        response.header("Vary", "Origin");
        String origin = request.headers().get("Origin");
        if (origin == null) {
            return;
        }
        match(bucket, origin, request.method().name(), List.of()).ifPresent(rule -> allow(response, rule, origin));
    }

    static void allow(ApiResponse response, CorsRule rule, String origin) {
        response.header("Access-Control-Allow-Origin", rule.allowedOrigins().contains("*") ? "*" : origin);
        response.header("Access-Control-Allow-Methods", String.join(", ", rule.allowedMethods()));
        if (!rule.exposeHeaders().isEmpty()) {
            response.header("Access-Control-Expose-Headers", String.join(", ", rule.exposeHeaders()));
        }
        if (rule.maxAgeSeconds() > 0) {
            response.header("Access-Control-Max-Age", rule.maxAgeSeconds());
        }
    }

    /** {@code pattern} with at most one {@code *} matching any run of characters. */
    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        int star = p.indexOf('*');
        if (star < 0) {
            return p.equals(v);
        }
        String head = p.substring(0, star);
        String tail = p.substring(star + 1);
        return v.length() >= head.length() + tail.length() && v.startsWith(head) && v.endsWith(tail);
    }
}
