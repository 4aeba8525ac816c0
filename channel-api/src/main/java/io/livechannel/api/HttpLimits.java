package io.livechannel.api;

import java.time.Duration;

/**
 * Every limit of the HTTP API, checked before allocation.
 *
 * <table>
 *   <caption>limits and defaults</caption>
 *   <tr><td>{@code maxBodyBytes}</td><td>{@value #DEFAULT_MAX_BODY_BYTES}</td><td>a request body (PutObject,
 *       XML documents) is held in memory while it is processed; larger bodies get 413 EntityTooLarge</td></tr>
 *   <tr><td>{@code maxXmlBodyBytes}</td><td>{@value #DEFAULT_MAX_XML_BODY_BYTES}</td><td>configuration
 *       documents are tiny (PutLiveChannel ≈ 300 bytes, ten CORS rules ≈ 5 KiB)</td></tr>
 *   <tr><td>{@code maxInitialLineBytes}</td><td>{@value #DEFAULT_MAX_INITIAL_LINE_BYTES}</td><td>a 1023-byte key
 *       percent-encoded three times over plus a V4 presigned query</td></tr>
 *   <tr><td>{@code maxHeaderBytes}</td><td>{@value #DEFAULT_MAX_HEADER_BYTES}</td><td>Netty's default</td></tr>
 *   <tr><td>{@code maxPendingRequests}</td><td>{@value #DEFAULT_MAX_PENDING_REQUESTS}</td><td>pipelined
 *       requests queued on one connection while an earlier one is being answered</td></tr>
 *   <tr><td>{@code idleTimeout}</td><td>{@value #DEFAULT_IDLE_TIMEOUT_SECONDS} s</td><td>a connection with
 *       neither a read nor a write for that long is closed (idle keep-alive, slow-loris); a download in
 *       progress writes, so it is never idle</td></tr>
 * </table>
 */
public record HttpLimits(int maxBodyBytes, int maxXmlBodyBytes, int maxInitialLineBytes, int maxHeaderBytes,
                         int maxPendingRequests, Duration idleTimeout) {
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_XML_BODY_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 16;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

    public static final HttpLimits DEFAULTS = new HttpLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_XML_BODY_BYTES,
            DEFAULT_MAX_INITIAL_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PENDING_REQUESTS,
            Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS));

    public HttpLimits {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxXmlBodyBytes", maxXmlBodyBytes);
        positive("maxInitialLineBytes", maxInitialLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxPendingRequests", maxPendingRequests);
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        if (maxXmlBodyBytes > maxBodyBytes) {
            throw new IllegalArgumentException("maxXmlBodyBytes " + maxXmlBodyBytes + " > maxBodyBytes " + maxBodyBytes);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
