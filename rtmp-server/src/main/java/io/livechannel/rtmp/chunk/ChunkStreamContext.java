package io.livechannel.rtmp.chunk;

import io.netty.buffer.ByteBuf;

/**
 * Per chunk stream id: the previous message header (the base of fmt 1-3 headers) and at most one partial message.
 * Confined to the connection's event loop; owned by {@link ChunkDecoder}, which releases {@link #partial}.
 */
final class ChunkStreamContext {
    final int chunkStreamId;
    /** The last timestamp or delta field (24-bit, or the extended 32-bit value). */
    long timestampField;
    /** Whether the last fmt 0-2 header had the 0xFFFFFF marker, so fmt 3 chunks carry 4 extra bytes. */
    boolean extended;
    /** Absolute timestamp of the current/last message, 32-bit. */
    long timestamp;
    /** Delta applied by a fmt 3 header that starts a new message; 0 after a fmt 0 (as nginx-rtmp does). */
    long timestampDelta;
    int messageLength;
    int typeId;
    int messageStreamId;
    /** The message being assembled, or null between messages. */
    ByteBuf partial;

    ChunkStreamContext(int chunkStreamId) {
        this.chunkStreamId = chunkStreamId;
    }

    boolean inMessage() {
        return partial != null;
    }

    void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
