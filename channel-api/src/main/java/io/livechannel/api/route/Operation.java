package io.livechannel.api.route;

/**
 * Every operation the API serves, with who may call it. Anonymous callers get {@link Permission#READ}
 * operations on {@code public-read} and {@code public-read-write} buckets and {@link Permission#WRITE}
 * operations on {@code public-read-write} ones (OSS access control); everything else needs a signature.
 */
public enum Operation {
    GET_SERVICE(Permission.OWNER, false),
    PUT_BUCKET(Permission.OWNER, false),
    DELETE_BUCKET(Permission.OWNER, true),
    GET_BUCKET_ACL(Permission.OWNER, true),
    PUT_BUCKET_ACL(Permission.OWNER, true),
    GET_BUCKET_CORS(Permission.OWNER, true),
    PUT_BUCKET_CORS(Permission.OWNER, true),
    DELETE_BUCKET_CORS(Permission.OWNER, true),
    LIST_OBJECTS(Permission.READ, true),
    GET_OBJECT(Permission.READ, true),
    HEAD_OBJECT(Permission.READ, true),
    /** {@code GET} of a playlist with {@code x-oss-process=hls/sign}; the route also requires a presigned URL. */
    GET_SIGNED_PLAYLIST(Permission.READ, true),
    PUT_OBJECT(Permission.WRITE, true),
    DELETE_OBJECT(Permission.WRITE, true),
    PUT_LIVE_CHANNEL(Permission.OWNER, true),
    PUT_LIVE_CHANNEL_STATUS(Permission.OWNER, true),
    GET_LIVE_CHANNEL_INFO(Permission.OWNER, true),
    GET_LIVE_CHANNEL_STAT(Permission.OWNER, true),
    GET_LIVE_CHANNEL_HISTORY(Permission.OWNER, true),
    LIST_LIVE_CHANNEL(Permission.OWNER, true),
    DELETE_LIVE_CHANNEL(Permission.OWNER, true),
    POST_VOD_PLAYLIST(Permission.OWNER, true),
    GET_VOD_PLAYLIST(Permission.OWNER, true),
    /** {@code OPTIONS}: browsers send preflights without credentials; the bucket's CORS rules decide. */
    CORS_PREFLIGHT(Permission.ANYONE, true);

    /** Who may call an operation. */
    public enum Permission { ANYONE, READ, WRITE, OWNER }

    private final Permission permission;
    private final boolean needsBucket;

    Operation(Permission permission, boolean needsBucket) {
        this.permission = permission;
        this.needsBucket = needsBucket;
    }

    public Permission permission() {
        return permission;
    }

    /** True when the bucket must exist before the route runs (NoSuchBucket otherwise). */
    public boolean needsBucket() {
        return needsBucket;
    }
}
