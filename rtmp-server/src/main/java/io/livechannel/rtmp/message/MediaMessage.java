package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * An audio or video message (RTMP spec §7.1.4 type 8, §7.1.5 type 9); its payload is an FLV audio or video tag
 * body.
 *
 * <p>Ownership: holds one reference to the payload; the consumer releases the message.
 */
public final class MediaMessage extends DefaultByteBufHolder implements RtmpMessage {
    private final MessageType type;
    private final long timestamp;
    private final int messageStreamId;

    /**
     * @param type {@link MessageType#AUDIO} or {@link MessageType#VIDEO}
     * @param timestamp milliseconds, 32-bit unsigned as on the wire
     * @param payload ownership moves into the message
     */
    public MediaMessage(MessageType type, long timestamp, int messageStreamId, ByteBuf payload) {
        super(payload);
        if (type != MessageType.AUDIO && type != MessageType.VIDEO) {
            throw new IllegalArgumentException("not a media message type: " + type);
        }
        this.type = Objects.requireNonNull(type, "type");
        this.timestamp = timestamp;
        this.messageStreamId = messageStreamId;
    }

    @Override
    public MessageType type() {
        return type;
    }

    public long timestamp() {
        return timestamp;
    }

    public int messageStreamId() {
        return messageStreamId;
    }

    @Override
    public MediaMessage replace(ByteBuf content) {
        return new MediaMessage(type, timestamp, messageStreamId, content);
    }

    @Override
    public String toString() {
        return "MediaMessage[" + type + ", ts=" + timestamp + ", msid=" + messageStreamId + ", length="
                + content().readableBytes() + "]";
    }
}
