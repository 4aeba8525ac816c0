package io.livechannel.api.error;

/**
 * OSS error codes with their HTTP status (wire spec §8); the code string and status are written only here.
 * Deterministic failures are never 5xx: the Java SDK retries 500/502/503 three times.
 */
public enum OssErrorCode {
    ACCESS_DENIED("AccessDenied", 403),
    INVALID_ACCESS_KEY_ID("InvalidAccessKeyId", 403),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403),
    REQUEST_TIME_TOO_SKEWED("RequestTimeTooSkewed", 403),
    INVALID_ARGUMENT("InvalidArgument", 400),
    MALFORMED_XML("MalformedXML", 400),
    INVALID_DIGEST("InvalidDigest", 400),
    INVALID_OBJECT_NAME("InvalidObjectName", 400),
    INVALID_BUCKET_NAME("InvalidBucketName", 400),
    NO_SUCH_BUCKET("NoSuchBucket", 404),
    NO_SUCH_KEY("NoSuchKey", 404),
    NO_SUCH_LIVE_CHANNEL("NoSuchLiveChannel", 404),
    LIVE_CHANNEL_DISABLED("LiveChannelDisabled", 409),
    CHANNEL_STILL_LIVE("ChannelStillLive", 409),
    BUCKET_ALREADY_EXISTS("BucketAlreadyExists", 409),
    BUCKET_NOT_EMPTY("BucketNotEmpty", 409),
    NO_SUCH_CORS_CONFIGURATION("NoSuchCORSConfiguration", 404),
    INVALID_RANGE("InvalidRange", 416),
    PRECONDITION_FAILED("PreconditionFailed", 412),
    NOT_MODIFIED("NotModified", 304),
    CORS_FORBIDDEN("AccessForbidden", 403),
    INVALID_REQUEST("InvalidRequest", 400),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    ENTITY_TOO_LARGE("EntityTooLarge", 400),
    NOT_IMPLEMENTED("NotImplemented", 501),
    /** The storage executor is saturated; clients retry 503 with back-off. */
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503),
    INTERNAL_ERROR("InternalError", 500);

    private final String code;
    private final int httpStatus;

    OssErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The {@code <Code>} string. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
