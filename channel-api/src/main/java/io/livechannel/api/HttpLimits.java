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
 *       neither a read nor a write for that long is closed (a download whose client stopped reading, a body
 *       that stopped arriving); a download in progress writes, so it is never idle</td></tr>
 *   <tr><td>{@code requestHeadTimeout}</td><td>{@value #DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS} s</td><td>a
 *       connection that has not sent a complete request head this long after it could (connected, or got its
 *       last answer) is closed: idle keep-alive connections and slow-loris senders alike; a body gets this plus
 *       a second per {@value RequestGuard#MIN_BODY_BYTES_PER_SECOND} bytes (see {@link RequestGuard})</td></tr>
 *   <tr><td>{@code maxBodyBytesInFlight}</td><td>{@value #DEFAULT_MAX_BODY_BYTES_IN_FLIGHT}</td><td>request
 *       bodies (by their declared length) held by all connections together until answered; a request that does
 *       not fit gets 503 ServiceUnavailable and its connection is closed ({@link BodyBudget})</td></tr>
 * </table>
 */
public record HttpLimits(int maxBodyBytes, int maxXmlBodyBytes, int maxInitialLineBytes, int maxHeaderBytes,
                         int maxPendingRequests, Duration idleTimeout, Duration requestHeadTimeout,
                         long maxBodyBytesInFlight) {
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_XML_BODY_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 16;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /**
     * Long enough for a player's next playlist reload on the same connection at the usual FragDuration (2..10 s)
     * and for a head sent over a slow link; a client sends a head in one write, so a longer wait only serves
     * connections that will never send one.
     */
    public static final int DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS = 20;
    /** Eight full-size uploads at once: API uploads are rare here (VoD playlists, small objects, XML). */
    public static final long DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 8L * DEFAULT_MAX_BODY_BYTES;

    public static final HttpLimits DEFAULTS = new HttpLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_XML_BODY_BYTES,
            DEFAULT_MAX_INITIAL_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PENDING_REQUESTS,
            Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS), Duration.ofSeconds(DEFAULT_REQUEST_HEAD_TIMEOUT_SECONDS),
            DEFAULT_MAX_BODY_BYTES_IN_FLIGHT);

    public HttpLimits {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxXmlBodyBytes", maxXmlBodyBytes);
        positive("maxInitialLineBytes", maxInitialLineBytes);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxPendingRequests", maxPendingRequests);
        positive("idleTimeout", idleTimeout);
        positive("requestHeadTimeout", requestHeadTimeout);
        if (maxBodyBytesInFlight < maxBodyBytes) {
            throw new IllegalArgumentException("maxBodyBytesInFlight " + maxBodyBytesInFlight + " < maxBodyBytes "
                    + maxBodyBytes + ": a largest request could never be admitted");
        }
        if (maxXmlBodyBytes > maxBodyBytes) {
            throw new IllegalArgumentException("maxXmlBodyBytes " + maxXmlBodyBytes + " > maxBodyBytes " + maxBodyBytes);
        }
    }

    /** These limits with another {@link #requestHeadTimeout}. */
    public HttpLimits withRequestHeadTimeout(Duration timeout) {
        return new HttpLimits(maxBodyBytes, maxXmlBodyBytes, maxInitialLineBytes, maxHeaderBytes, maxPendingRequests,
                idleTimeout, timeout, maxBodyBytesInFlight);
    }

    /** These limits with another {@link #maxBodyBytesInFlight}. */
    public HttpLimits withMaxBodyBytesInFlight(long bytes) {
        return new HttpLimits(maxBodyBytes, maxXmlBodyBytes, maxInitialLineBytes, maxHeaderBytes, maxPendingRequests,
                idleTimeout, requestHeadTimeout, bytes);
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
