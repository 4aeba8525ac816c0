package io.livechannel.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A video message (RTMP spec §7.1.5, type 9); its payload is an FLV video tag body.
 *
 * <p>Ownership: holds one reference to the payload; the consumer releases the message.
 */
public final class VideoMessage extends DefaultByteBufHolder implements RtmpMessage {
    private final long timestamp;
    private final int messageStreamId;

    /**
     * @param timestamp milliseconds, 32-bit unsigned as on the wire
     * @param payload ownership moves into the message
     */
    public VideoMessage(long timestamp, int messageStreamId, ByteBuf payload) {
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
        return MessageType.VIDEO;
    }

    @Override
    public VideoMessage replace(ByteBuf content) {
        return new VideoMessage(timestamp, messageStreamId, content);
    }

    @Override
    public String toString() {
        return "VideoMessage[ts=" + timestamp + ", msid=" + messageStreamId + ", length=" + content().readableBytes()
                + "]";
    }
}
