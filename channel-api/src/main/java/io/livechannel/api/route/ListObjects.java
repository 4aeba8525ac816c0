package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.error.OssException;
import io.livechannel.api.xml.ListBucketResult;
import io.livechannel.api.xml.ListBucketResultV2;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.catalog.Bucket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code GET /<bucket>/} (ListObjects v1, wire spec §7.5) and {@code ?list-type=2} (v2, §7.6): prefix, marker
 * or start-after/continuation-token, delimiter, max-keys (default {@value #DEFAULT_MAX_KEYS}, 0 for an empty page, at most
 * {@value ListQuery#MAX_KEYS}), {@code encoding-type=url}. The v2 continuation token is the base64url of the
 * last key of the page. Owner is always written in v1 (Java and ali-oss need it), in v2 only with
 * {@code fetch-owner=true}.
 */
final class ListObjects implements Route {
    static final int DEFAULT_MAX_KEYS = 100;

    private final ApiConfig config;

    ListObjects(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        QueryParameters q = request.query();
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.getOrDefault("delimiter", "");
        int maxKeys = MaxKeys.parse(q.getOrDefault("max-keys", ""), DEFAULT_MAX_KEYS, 0, ListQuery.MAX_KEYS);
        String encodingType = q.getOrDefault("encoding-type", "");
        if (!encodingType.isEmpty() && !encodingType.equals("url")) {
            throw ChannelConfigParser.invalid("encoding-type must be 'url'");
        }
        UnaryOperator<String> enc = encodingType.isEmpty() ? s -> s : QueryParameters::percentEncode;
        boolean v2 = q.getOrDefault("list-type", "").equals("2");
        String marker = v2 ? v2Marker(q) : q.getOrDefault("marker", "");
        // max-keys=0 is a valid request for an empty page (OSS and S3 accept it), with nothing to ask the store
        ObjectListing page = maxKeys == 0 ? new ObjectListing(List.of(), List.of(), false, null)
                : config.objects().list(bucket.name(), new ListQuery(prefix, marker, delimiter, maxKeys));
        boolean owner = !v2 || q.getOrDefault("fetch-owner", "").equals("true");
        List<ListBucketResult.Contents> contents = page.objects().stream()
                .map(o -> new ListBucketResult.Contents(enc.apply(o.key()), OssXml.date(o.lastModified()),
                        "\"" + o.etag() + "\"", "Normal", o.size(), "Standard", owner ? Owners.SERVER : null))
                .toList();
        List<ListBucketResult.CommonPrefix> prefixes = page.commonPrefixes().stream()
                .map(p -> new ListBucketResult.CommonPrefix(enc.apply(p))).toList();
        String type = encodingType.isEmpty() ? null : encodingType;
        String next = page.truncated() ? page.nextMarker() : null;
        if (v2) {
            String token = q.get("continuation-token").orElse(null);
            return ApiResponse.xml(OssXml.write(new ListBucketResultV2(bucket.name(), enc.apply(prefix),
                    q.get("start-after").map(enc).orElse(null), token, maxKeys, enc.apply(delimiter), type,
                    page.truncated(), next == null ? null : token(next), contents.size() + prefixes.size(),
                    contents, prefixes)));
        }
        return ApiResponse.xml(OssXml.write(new ListBucketResult(bucket.name(), enc.apply(prefix), enc.apply(marker),
                maxKeys, enc.apply(delimiter), page.truncated(), next == null ? null : enc.apply(next), type, contents,
                prefixes)));
    }

    private static String v2Marker(QueryParameters q) throws OssException {
        String token = q.getOrDefault("continuation-token", "");
        if (token.isEmpty()) {
            return q.getOrDefault("start-after", "");
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ChannelConfigParser.invalid("continuation-token is not one this server issued");
        }
    }

    private static String token(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }
}
