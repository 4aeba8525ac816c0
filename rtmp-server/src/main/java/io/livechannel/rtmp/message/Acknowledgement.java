package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;

/** Acknowledgement (RTMP spec §5.4.3, type 3): bytes received so far, modulo 2^32. */
public record Acknowledgement(long sequenceNumber) implements RtmpMessage {
    @Override
    public MessageType type() {
        return MessageType.ACKNOWLEDGEMENT;
    }
}
