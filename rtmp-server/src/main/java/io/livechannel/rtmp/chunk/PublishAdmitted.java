package io.livechannel.rtmp.chunk;

/**
 * The user event the session fires from the head of the pipeline once the peer's publish is admitted (authorized
 * and registered): {@link ChunkDecoder} then leaves its stricter before-admission limits (see
 * {@link io.livechannel.rtmp.RtmpLimits#maxBytesBeforeAdmission}) for the publishing ones and returns what it
 * held to the server-wide {@link UnadmittedMemory}.
 */
public enum PublishAdmitted {
    EVENT
}
