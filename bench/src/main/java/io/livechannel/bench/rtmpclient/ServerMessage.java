package io.livechannel.bench.rtmpclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One complete message from the server (RTMP spec §5.3.1.2 fields). Holds its payload; whoever reads it last
 * releases it.
 */
public final class ServerMessage extends DefaultByteBufHolder {
    /** Set Chunk Size (§5.4.1). */
    public static final int SET_CHUNK_SIZE = 1;
    /** User Control Message (§6.2). */
    public static final int USER_CONTROL = 4;
    /** AMF0 command (§7.1.1). */
    public static final int COMMAND_AMF0 = 20;

    private final int typeId;
    private final int messageStreamId;

    ServerMessage(int typeId, int messageStreamId, ByteBuf payload) {
        super(payload);
        this.typeId = typeId;
        this.messageStreamId = messageStreamId;
    }

    public int typeId() {
        return typeId;
    }

    public int messageStreamId() {
        return messageStreamId;
    }
}
