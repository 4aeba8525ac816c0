package io.livechannel.api;

import io.livechannel.api.route.ObjectKeys;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;

/**
 * One parsed API request, detached from Netty's reference-counted message so it can cross to the storage
 * executor: method, resolved bucket/key, decoded query, a copy of the headers and of the body.
 *
 * <p>Immutable after construction; {@link #body()} returns the internal array, which nobody may modify (the
 * handler copies the aggregated body once and never touches it again).
 */
public final class OssRequest {
    private final HttpMethod method;
    private final RequestTarget target;
    private final QueryParameters query;
    private final HttpHeaders headers;
    private final byte[] body;
    private final RequestContext context;

    /**
     * @param headers a copy owned by this request
     * @param body the whole request body; not copied (see class Javadoc)
     */
    public OssRequest(HttpMethod method, RequestTarget target, QueryParameters query, HttpHeaders headers,
                      byte[] body, RequestContext context) {
        this.method = Objects.requireNonNull(method, "method");
        this.target = Objects.requireNonNull(target, "target");
        this.query = Objects.requireNonNull(query, "query");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * Where a request came from and what identifies it.
     *
     * @param requestId the {@code x-oss-request-id} of the answer
     * @param remoteAddress the client's {@code ip:port}, for logs
     * @param localPort the TCP port the request arrived on (used in URLs when {@code Host} has no port)
     */
    public record RequestContext(String requestId, String remoteAddress, int localPort) {
    }

    public HttpMethod method() {
        return method;
    }

    public RequestTarget target() {
        return target;
    }

    /** The bucket, or {@code null} for a service-level request. */
    public String bucket() {
        return target.bucket();
    }

    /** The decoded object key; {@code ""} at bucket level. */
    public String key() {
        return target.key();
    }

    public QueryParameters query() {
        return query;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The header value, or {@code ""} when absent. */
    public String header(CharSequence name) {
        String v = headers.get(name);
        return v == null ? "" : v;
    }

    public byte[] body() {
        return body;
    }

    public RequestContext context() {
        return context;
    }

    public String requestId() {
        return context.requestId();
    }

    @Override
    public String toString() {
        return method + " bucket=" + ObjectKeys.forLog(target.bucket()) + " key=" + ObjectKeys.forLog(target.key())
                + " params=" + ObjectKeys.forLog(String.valueOf(query));
    }
}
