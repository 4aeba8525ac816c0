package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.HttpDateCache;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.BucketAcl;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * {@code GET} and {@code HEAD /<bucket>/<key>} (wire spec §7.2, §7.3): Range (206 with Content-Range), the
 * conditional headers (If-Match / If-Unmodified-Since → 412, If-None-Match / If-Modified-Since → 304), the
 * {@code response-*} overrides, HLS content types, and Cache-Control: {@value #PLAYLIST_MAX_AGE} s for
 * playlists (they change every segment), a year and {@code immutable} for segments (never rewritten).
 * {@code public} when the bucket is readable anonymously, else {@code private}. The body is streamed.
 */
final class GetObject implements Route {
    static final int PLAYLIST_MAX_AGE = 1;
    static final int SEGMENT_MAX_AGE = 31_536_000;
    static final DateTimeFormatter HTTP_DATE = HttpDateCache.HTTP_DATE;
    /** Hot playlists are read many times per version: their Last-Modified text is reused. */
    private static final HttpDateCache LAST_MODIFIED = new HttpDateCache();
    private static final Map<String, String> OVERRIDES = Map.of(
            "response-content-type", "Content-Type", "response-content-language", "Content-Language",
            "response-expires", "Expires", "response-cache-control", "Cache-Control",
            "response-content-disposition", "Content-Disposition", "response-content-encoding", "Content-Encoding");

    private final ApiConfig config;
    private final boolean head;

    GetObject(ApiConfig config, boolean head) {
        this.config = config;
        this.head = head;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        ObjectKeys.check(request.key());
        checkOverrides(request); // before the object is opened: a refused request holds no file
        StoredObject object = config.objects().head(bucket.name(), request.key())
                .orElseThrow(() -> new StorageException(StorageException.Kind.NO_SUCH_KEY, "no such key"));
        HttpResponseStatus notModified = Conditions.check(request, object);
        if (notModified != null) {
            return headers(ApiResponse.empty(notModified), object, bucket, request);
        }
        if (head) {
            return headers(ApiResponse.empty(HttpResponseStatus.OK), object, bucket, request)
                    .header("Content-Length", object.size());
        }
        RangeHeader.Result range = RangeHeader.resolve(request.headers().get("Range"), object.size());
        if (range.kind() == RangeHeader.Kind.INVALID
                && "standard".equalsIgnoreCase(request.header("x-oss-range-behavior"))) {
            throw new OssException(OssErrorCode.INVALID_RANGE, "The requested range is not satisfiable.");
        }
        ByteRange served = range.kind() == RangeHeader.Kind.SATISFIABLE ? range.range() : null;
        ObjectStream stream = config.objects().get(bucket.name(), request.key(), served);
        ApiResponse response = ApiResponse.stream(served == null ? HttpResponseStatus.OK
                : HttpResponseStatus.PARTIAL_CONTENT, stream);
        try {
            headers(response, stream.object(), bucket, request);
            if (stream.range() != null) {
                response.header("Content-Range", "bytes " + stream.range().first() + "-" + stream.range().last()
                        + "/" + stream.object().size());
            }
        } catch (RuntimeException e) {
            response.closeStream(); // nobody else holds the stream yet
            throw e;
        }
        return response;
    }

    /**
     * A {@code response-*} value becomes a response header, and a header value cannot hold CR, LF or other control
     * characters (RFC 9110 §5.5): such a request is the client's mistake, answered 400 InvalidArgument.
     */
    private static void checkOverrides(OssRequest request) throws OssException {
        for (String param : OVERRIDES.keySet()) {
            String value = request.query().get(param).orElse(null);
            if (value != null && !ObjectKeys.isPrintable(value, true)) {
                throw new OssException(OssErrorCode.INVALID_ARGUMENT, "The value of " + param
                        + " must not contain control characters.");
            }
        }
    }

    private static ApiResponse headers(ApiResponse r, StoredObject o, Bucket bucket, OssRequest request) {
        r.header("Content-Type", ObjectKeys.contentType(o.key(), o.contentType()))
                .header("ETag", "\"" + o.etag() + "\"")
                .header("Last-Modified", LAST_MODIFIED.format(o.lastModified()))
                .header("Accept-Ranges", "bytes")
                .header("x-oss-object-type", "Normal")
                .header("x-oss-storage-class", "Standard");
        String cacheControl = cacheControl(o.key(), bucket.acl());
        if (cacheControl != null) {
            r.header("Cache-Control", cacheControl);
        }
        o.userMetadata().forEach((k, v) -> r.header("x-oss-meta-" + k, v));
        OVERRIDES.forEach((param, header) -> request.query().get(param).map(GetObject::withoutSpacesAround)
                .filter(v -> !v.isEmpty()).ifPresent(v -> r.header(header, v)));
        return r;
    }

    /** {@code value} without the spaces and tabs around it: a header value cannot begin or end with them. */
    static String withoutSpacesAround(String value) {
        int begin = 0;
        int end = value.length();
        while (begin < end && (value.charAt(begin) == ' ' || value.charAt(begin) == '\t')) {
            begin++;
        }
        while (end > begin && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(begin, end);
    }

    static String cacheControl(String key, BucketAcl acl) {
        String scope = acl == BucketAcl.PRIVATE ? "private" : "public";
        if (key.endsWith(".m3u8")) {
            return scope + ", max-age=" + PLAYLIST_MAX_AGE;
        }
        if (key.endsWith(".ts")) {
            return scope + ", max-age=" + SEGMENT_MAX_AGE + ", immutable";
        }
        return null;
    }
}
