package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;

/** Window Acknowledgement Size (RTMP spec §5.4.4, type 5): acknowledge after this many bytes. */
public record WindowAcknowledgementSize(long windowSizeBytes) implements RtmpMessage {
    @Override
    public MessageType type() {
        return MessageType.WINDOW_ACKNOWLEDGEMENT_SIZE;
    }
}
