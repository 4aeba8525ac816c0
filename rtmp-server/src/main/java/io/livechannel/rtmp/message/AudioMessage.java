package io.livechannel.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * An audio message (RTMP spec §7.1.4, type 8); its payload is an FLV audio tag body.
 *
 * <p>Ownership: holds one reference to the payload; the consumer releases the message.
 */
public final class AudioMessage extends DefaultByteBufHolder implements RtmpMessage {
    private final long timestamp;
    private final int messageStreamId;

    /**
     * @param timestamp milliseconds, 32-bit unsigned as on the wire
     * @param payload ownership moves into the message
     */
    public AudioMessage(long timestamp, int messageStreamId, ByteBuf payload) {
        super(payload);
        this.timestamp = timestamp;
        this.messageStreamId = messageStreamId;
    }

    public long timestamp() {
        return timestamp;
    }

    public int messageStreamId() {
        return messageStreamId;
    }

    @Override
    public MessageType type() {
        return MessageType.AUDIO;
    }

    @Override
    public AudioMessage replace(ByteBuf content) {
        return new AudioMessage(timestamp, messageStreamId, content);
    }

    @Override
    public String toString() {
        return "AudioMessage[ts=" + timestamp + ", msid=" + messageStreamId + ", length=" + content().readableBytes()
                + "]";
    }
}
