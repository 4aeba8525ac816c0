package io.livechannel.rtmp;

/** Why a publish ended; given exactly once to {@link MediaSink#onPublishEnd}. */
public enum EndReason {
    /** The encoder said so: {@code FCUnpublish}, {@code deleteStream} or {@code closeStream}. */
    UNPUBLISHED,
    /** The connection closed or was reset without an unpublish command (also: read idle timeout). */
    CONNECTION_LOST,
    /** {@link io.livechannel.rtmp.session.PublisherRegistry#kick}: the channel was disabled or deleted. */
    KICKED,
    /** A new publisher claimed the channel after this one had sent nothing for the idle-publisher timeout. */
    REPLACED_IDLE,
    /**
     * The server lost the channel's publish lease: another node took the channel over (this node was cut off from
     * the catalog, or stalled, past the lease's expiry), so this node must stop writing it.
     */
    LEASE_LOST,
    /** {@link io.livechannel.rtmp.session.PublisherRegistry#closeAll}: the server is stopping. */
    SERVER_SHUTDOWN,
    /** The encoder violated RTMP (bad chunk, oversized message, malformed AMF). */
    PROTOCOL_ERROR,
    /** The encoder sent video that is not H.264. */
    UNSUPPORTED_MEDIA,
    /** The sink (server code) threw; the publisher was disconnected. */
    INTERNAL_ERROR
}
