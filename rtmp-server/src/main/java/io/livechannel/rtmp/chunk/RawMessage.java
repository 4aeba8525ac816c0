package io.livechannel.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole RTMP message as the chunk layer sees it (RTMP spec §5.3.1.2, §6.1): header fields plus the payload.
 *
 * <p>Ownership: holds one reference to its payload; whoever consumes the message releases it (as any Netty
 * {@code ByteBufHolder}).
 */
public final class RawMessage extends DefaultByteBufHolder {
    private final int chunkStreamId;
    private final long timestamp;
    private final int typeId;
    private final int messageStreamId;

    /**
     * @param timestamp milliseconds, 32-bit unsigned (RTMP timestamps wrap at 2^32)
     * @param payload ownership moves into the message
     */
    public RawMessage(int chunkStreamId, long timestamp, int typeId, int messageStreamId, ByteBuf payload) {
        super(payload);
        this.chunkStreamId = chunkStreamId;
        this.timestamp = timestamp & 0xFFFFFFFFL;
        this.typeId = typeId;
        this.messageStreamId = messageStreamId;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public long timestamp() {
        return timestamp;
    }

    /** The wire type id, also when {@link #type} is {@link MessageType#UNKNOWN}. */
    public int typeId() {
        return typeId;
    }

    public MessageType type() {
        return MessageType.of(typeId);
    }

    public int messageStreamId() {
        return messageStreamId;
    }

    @Override
    public RawMessage replace(ByteBuf content) {
        return new RawMessage(chunkStreamId, timestamp, typeId, messageStreamId, content);
    }

    @Override
    public String toString() {
        return "RawMessage[csid=" + chunkStreamId + ", ts=" + timestamp + ", type=" + typeId + ", msid="
                + messageStreamId + ", length=" + content().readableBytes() + "]";
    }
}
