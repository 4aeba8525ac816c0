package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;

/** Set Chunk Size (RTMP spec §5.4.1, type 1): the sender's chunk size from now on, [1, 0xFFFFFF]. */
public record SetChunkSize(int chunkSizeBytes) implements RtmpMessage {
    public SetChunkSize {
        if (chunkSizeBytes < 1 || chunkSizeBytes > 0xFFFFFF) {
            throw new IllegalArgumentException("chunk size not in [1, 16777215]: " + chunkSizeBytes);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.SET_CHUNK_SIZE;
    }
}
