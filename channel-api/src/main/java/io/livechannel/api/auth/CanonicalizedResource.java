package io.livechannel.api.auth;

import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The V1 {@code CanonicalizedResource} (wire spec §4.1): {@code /bucket/key} from the decoded bucket and key
 * whatever the addressing style (§4.2), {@code /bucket/} at bucket level, {@code /} at service level; then
 * {@code ?} and the signed sub-resources present, sorted by name, {@code name} when the value is empty, else
 * {@code name=value} with the decoded value. Query parameters outside the whitelist ({@code prefix},
 * {@code marker}, {@code max-keys}, ...) and the presigned-URL auth parameters are not signed.
 */
public final class CanonicalizedResource {
    /** Union of the Java, Go and oss2 whitelists (§4.1). */
    static final Set<String> SUB_RESOURCES = Set.of(
            "acl", "append", "asyncFetch", "bucketInfo", "callback", "callback-var", "cname", "comp",
            "continuation-token", "cors", "delete", "encryption", "endTime", "img", "inventory", "inventoryId",
            "lifecycle", "live", "location", "logging", "metaQuery", "objectMeta", "partNumber", "policy",
            "position", "qos", "qosInfo", "referer", "regionList", "replication", "replicationLocation",
            "replicationProgress", "requestPayment", "resourceGroup", "response-cache-control",
            "response-content-disposition", "response-content-encoding", "response-content-language",
            "response-content-type", "response-expires", "restore", "security-token", "sequential", "startTime",
            "stat", "status", "style", "styleName", "symlink", "tagging", "transferAcceleration", "udf",
            "uploadId", "uploads", "versionId", "versioning", "versions", "vod", "website", "worm", "wormExtend",
            "wormId", "x-oss-process", "x-oss-request-payer", "x-oss-traffic-limit");

    private CanonicalizedResource() {
    }

    /**
     * @param bucket {@code null} at service level
     * @param key decoded key, {@code ""} at bucket level
     * @param query decoded parameters
     */
    public static String of(String bucket, String key, Map<String, String> query) {
        StringBuilder sb = new StringBuilder();
        sb.append('/');
        if (bucket != null) {
            sb.append(bucket).append('/').append(key);
        }
        TreeMap<String, String> signed = new TreeMap<>();
        query.forEach((name, value) -> {
            if (SUB_RESOURCES.contains(name)) {
                signed.put(name, value);
            }
        });
        if (!signed.isEmpty()) {
            StringJoiner joiner = new StringJoiner("&", "?", "");
            signed.forEach((name, value) -> joiner.add(value.isEmpty() ? name : name + "=" + value));
            sb.append(joiner);
        }
        return sb.toString();
    }
}
