package io.livechannel.api.route;

import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.auth.PresignedUrlSigner;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Set;

/**
 * Picks the operation from the method, the level (service, bucket, object) and the sub-resources present
 * ({@code live}, {@code comp}, {@code status}, {@code vod}, {@code acl}, {@code cors}, {@code x-oss-process}), as
 * wire spec §3 and §7 and the private-playback spec lay them out. Sub-resources the server does not implement get 501 NotImplemented, other methods 405.
 */
public final class OperationSelector {
    /** Sub-resources recognised but not served here (multipart, tagging, ...). */
    private static final Set<String> UNSUPPORTED = Set.of("uploads", "uploadId", "partNumber", "append", "tagging",
            "symlink", "restore", "versioning", "versions", "versionId", "lifecycle", "logging", "website", "referer",
            "policy", "encryption", "replication", "worm", "inventory", "delete", "bucketInfo", "location");
    private static final String PROCESS = "x-oss-process";

    private OperationSelector() {
    }

    public static Operation select(OssRequest request) throws OssException {
        HttpMethod m = request.method();
        QueryParameters q = request.query();
        if (request.target().isService()) {
            return require(m.equals(HttpMethod.GET), Operation.GET_SERVICE, m);
        }
        if (m.equals(HttpMethod.OPTIONS)) {
            return Operation.CORS_PREFLIGHT;
        }
        for (String name : UNSUPPORTED) {
            if (q.has(name)) {
                throw new OssException(OssErrorCode.NOT_IMPLEMENTED, "Sub-resource '" + name + "' is not supported.");
            }
        }
        if (q.has(PROCESS)) {
            return process(request, m, q);
        }
        return request.target().isBucketLevel() ? bucketLevel(m, q) : objectLevel(m, q);
    }

    /** {@code x-oss-process}: only {@code hls/sign} on a plain object GET is served; any other use is 501. */
    private static Operation process(OssRequest request, HttpMethod m, QueryParameters q) throws OssException {
        boolean hlsSign = q.getOrDefault(PROCESS, "").equals(PresignedUrlSigner.HLS_SIGN)
                && !request.target().isBucketLevel() && !q.has("live") && !q.has("vod") && !q.has("acl");
        if (!hlsSign) {
            throw new OssException(OssErrorCode.NOT_IMPLEMENTED,
                    "Only x-oss-process=hls/sign on an object GET is supported.");
        }
        return require(m.equals(HttpMethod.GET), Operation.GET_SIGNED_PLAYLIST, m);
    }

    private static Operation bucketLevel(HttpMethod m, QueryParameters q) throws OssException {
        if (q.has("acl")) {
            return m.equals(HttpMethod.GET) ? Operation.GET_BUCKET_ACL
                    : require(m.equals(HttpMethod.PUT), Operation.PUT_BUCKET_ACL, m);
        }
        if (q.has("cors")) {
            if (m.equals(HttpMethod.GET)) {
                return Operation.GET_BUCKET_CORS;
            }
            return m.equals(HttpMethod.PUT) ? Operation.PUT_BUCKET_CORS
                    : require(m.equals(HttpMethod.DELETE), Operation.DELETE_BUCKET_CORS, m);
        }
        if (q.has("live")) {
            return require(m.equals(HttpMethod.GET), Operation.LIST_LIVE_CHANNEL, m);
        }
        if (m.equals(HttpMethod.GET)) {
            return Operation.LIST_OBJECTS;
        }
        return m.equals(HttpMethod.PUT) ? Operation.PUT_BUCKET
                : require(m.equals(HttpMethod.DELETE), Operation.DELETE_BUCKET, m);
    }

    private static Operation objectLevel(HttpMethod m, QueryParameters q) throws OssException {
        if (q.has("acl") || q.has("cors")) {
            throw new OssException(OssErrorCode.NOT_IMPLEMENTED, "Object ACLs and object-level CORS are not supported.");
        }
        if (q.has("live")) {
            return liveChannel(m, q);
        }
        if (q.has("vod")) {
            return m.equals(HttpMethod.POST) ? Operation.POST_VOD_PLAYLIST
                    : require(m.equals(HttpMethod.GET), Operation.GET_VOD_PLAYLIST, m);
        }
        if (m.equals(HttpMethod.GET)) {
            return Operation.GET_OBJECT;
        }
        if (m.equals(HttpMethod.HEAD)) {
            return Operation.HEAD_OBJECT;
        }
        return m.equals(HttpMethod.PUT) ? Operation.PUT_OBJECT
                : require(m.equals(HttpMethod.DELETE), Operation.DELETE_OBJECT, m);
    }

    private static Operation liveChannel(HttpMethod m, QueryParameters q) throws OssException {
        if (m.equals(HttpMethod.PUT)) {
            return q.has("status") ? Operation.PUT_LIVE_CHANNEL_STATUS : Operation.PUT_LIVE_CHANNEL;
        }
        if (m.equals(HttpMethod.DELETE)) {
            return Operation.DELETE_LIVE_CHANNEL;
        }
        if (!m.equals(HttpMethod.GET)) {
            throw notAllowed(m);
        }
        String comp = q.getOrDefault("comp", null);
        if (comp == null) {
            return Operation.GET_LIVE_CHANNEL_INFO;
        }
        return switch (comp) {
            case "stat" -> Operation.GET_LIVE_CHANNEL_STAT;
            case "history" -> Operation.GET_LIVE_CHANNEL_HISTORY;
            default -> throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "comp must be 'stat' or 'history' for a LiveChannel.");
        };
    }

    private static Operation require(boolean allowed, Operation op, HttpMethod m) throws OssException {
        if (!allowed) {
            throw notAllowed(m);
        }
        return op;
    }

    private static OssException notAllowed(HttpMethod m) {
        return new OssException(OssErrorCode.METHOD_NOT_ALLOWED,
                "The specified method is not allowed against this resource: " + m.name() + ".");
    }
}
