package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.xml.CorsConfiguration;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.CorsRule;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code PUT /<bucket>/?cors} with {@code <CORSConfiguration>}: replaces the rules. At most
 * {@value #MAX_RULES} rules, each with at least one AllowedOrigin and AllowedMethod (GET, PUT, DELETE, POST,
 * HEAD), at most one {@code *} per origin or header pattern, MaxAgeSeconds a non-negative integer.
 */
final class PutBucketCors implements Route {
    static final int MAX_RULES = 10;
    private static final Set<String> METHODS = Set.of("GET", "PUT", "DELETE", "POST", "HEAD");

    private final ApiConfig config;

    PutBucketCors(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        if (request.body().length > config.limits().maxXmlBodyBytes()) {
            throw new OssException(OssErrorCode.ENTITY_TOO_LARGE, "CORSConfiguration is larger than "
                    + config.limits().maxXmlBodyBytes() + " bytes.");
        }
        CorsConfiguration doc = OssXml.read(request.body(), CorsConfiguration.class);
        List<CorsConfiguration.Rule> rules = doc.rules() == null ? List.of() : doc.rules();
        if (rules.isEmpty() || rules.size() > MAX_RULES) {
            throw ChannelConfigParser.invalid("CORSConfiguration needs 1.." + MAX_RULES + " CORSRule elements");
        }
        List<CorsRule> parsed = new ArrayList<>();
        for (CorsConfiguration.Rule r : rules) {
            parsed.add(parse(r));
        }
        config.metadata().buckets().setCorsRules(bucket.name(), parsed);
        return ApiResponse.empty(HttpResponseStatus.OK);
    }

    private static CorsRule parse(CorsConfiguration.Rule r) throws OssException {
        List<String> origins = nonNull(r.allowedOrigins());
        List<String> methods = nonNull(r.allowedMethods());
        if (origins.isEmpty() || methods.isEmpty()) {
            throw ChannelConfigParser.invalid("each CORSRule needs AllowedOrigin and AllowedMethod");
        }
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw ChannelConfigParser.invalid("AllowedMethod '" + ChannelConfigParser.shorten(m)
                        + "' is not one of GET, PUT, DELETE, POST, HEAD");
            }
        }
        for (String p : concat(origins, nonNull(r.allowedHeaders()))) {
            if (p.indexOf('*') != p.lastIndexOf('*')) {
                throw ChannelConfigParser.invalid("'" + ChannelConfigParser.shorten(p) + "' has more than one '*'");
            }
        }
        int maxAge = 0;
        if (r.maxAgeSeconds() != null && !r.maxAgeSeconds().isBlank()) {
            try {
                maxAge = Integer.parseInt(r.maxAgeSeconds().trim());
            } catch (NumberFormatException e) {
                maxAge = -1;
            }
            if (maxAge < 0) {
                throw ChannelConfigParser.invalid("MaxAgeSeconds must be a non-negative integer");
            }
        }
        return new CorsRule(origins, methods, nonNull(r.allowedHeaders()), nonNull(r.exposeHeaders()), maxAge);
    }

    private static List<String> nonNull(List<String> list) {
        return list == null ? List.of() : list.stream().filter(s -> s != null && !s.isBlank()).map(String::trim)
                .toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
