package io.livechannel.api;

import io.livechannel.storage.ObjectStream;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * What an operation answers, before the handler adds {@code x-oss-request-id}, {@code Date} and
 * {@code Content-Length}: a status, headers and either an in-memory body or an open object stream.
 *
 * <p>Ownership: a response with a {@link #stream()} owns it until the handler takes it; whoever drops a
 * response unsent must {@link #closeStream()}.
 */
public final class ApiResponse {
    private static final byte[] EMPTY = new byte[0];

    private final HttpResponseStatus status;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private final byte[] body;
    private final ObjectStream stream;

    private ApiResponse(HttpResponseStatus status, byte[] body, ObjectStream stream) {
        this.status = Objects.requireNonNull(status, "status");
        this.body = body;
        this.stream = stream;
    }

    /** A response without body (200 for status changes, 204 for deletes). */
    public static ApiResponse empty(HttpResponseStatus status) {
        return new ApiResponse(status, EMPTY, null);
    }

    /** An {@code application/xml} document. */
    public static ApiResponse xml(byte[] document) {
        return bytes(HttpResponseStatus.OK, "application/xml", document);
    }

    /** An in-memory body; {@code body} is not copied and must not change afterwards. */
    public static ApiResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
        ApiResponse r = new ApiResponse(status, body, null);
        r.headers.set("Content-Type", contentType);
        return r;
    }

    /**
     * A body read from storage in pieces; the caller sets {@code Content-Length} and the other object headers.
     * The response takes ownership of {@code stream}.
     */
    public static ApiResponse stream(HttpResponseStatus status, ObjectStream stream) {
        return new ApiResponse(status, EMPTY, Objects.requireNonNull(stream, "stream"));
    }

    public ApiResponse header(CharSequence name, Object value) {
        headers.set(name, value);
        return this;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The in-memory body (empty for streamed or bodiless responses); do not modify. */
    public byte[] body() {
        return body;
    }

    /** The object to stream, or {@code null}. */
    public ObjectStream stream() {
        return stream;
    }

    /** Closes the stream of a response that will not be sent; does nothing without one. */
    public void closeStream() {
        if (stream != null) {
            try {
                stream.close();
            } catch (java.io.IOException ignored) {
                // Nothing more to do with a stream we never read; the store logs its own failures.
            }
        }
    }
}
