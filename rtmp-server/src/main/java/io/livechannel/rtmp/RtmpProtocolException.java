package io.livechannel.rtmp;

import java.util.Objects;

/**
 * A fatal violation of RTMP by the peer. Thrown by the decoders, which then discard the rest of the connection's
 * input; the session handler turns it into one log line and a close. The message names the value and the limit
 * it broke, and never contains secrets.
 */
public final class RtmpProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of violation, for logs and metrics. */
    public enum Reason {
        /** C0 is not version 3, or C1/C2 are malformed. */
        BAD_HANDSHAKE,
        /** A chunk header that cannot be right: fmt 1-3 on a chunk stream never started, id out of range. */
        BAD_CHUNK,
        /** A message longer than {@code RtmpLimits.maxMessageSizeBytes}. */
        MESSAGE_TOO_LARGE,
        /** More chunk streams than {@code RtmpLimits.maxChunkStreams}. */
        TOO_MANY_CHUNK_STREAMS,
        /** Partial messages would exceed {@code RtmpLimits.maxBufferedBytesPerConnection}. */
        BUFFER_LIMIT,
        /**
         * A connection not yet admitted to publish would hold more than {@code RtmpLimits.maxBytesBeforeAdmission},
         * or all such connections together more than {@code maxBytesBeforeAdmissionTotal}.
         */
        BEFORE_ADMISSION_LIMIT,
        /** Set Chunk Size of 0, with the reserved bit set, or above the limit. */
        BAD_CHUNK_SIZE,
        /** A protocol control or user control message of the wrong length. */
        BAD_MESSAGE,
        /** AMF0 that cannot be decoded (truncated, unknown marker, too deep). */
        BAD_AMF,
        /** A command without a name or transaction id. */
        BAD_COMMAND
    }

    private final Reason reason;

    public RtmpProtocolException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
