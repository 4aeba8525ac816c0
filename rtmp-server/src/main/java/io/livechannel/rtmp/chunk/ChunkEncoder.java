package io.livechannel.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Splits outbound {@link RawMessage}s into chunks (RTMP spec §5.3): a fmt 0 header on the first chunk, fmt 3 on
 * the rest, the extended timestamp repeated on every chunk when the timestamp needs it (as FFmpeg and librtmp
 * expect). Applies our own Set Chunk Size after writing it, so later messages use the new size.
 *
 * <p>We send only control and command messages, a few per connection, so every message gets a full header.
 * Ownership: the message is released after encoding (by {@link MessageToByteEncoder}). One instance per
 * connection.
 */
public final class ChunkEncoder extends MessageToByteEncoder<RawMessage> {
    private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    public ChunkEncoder() {
        super(RawMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RawMessage msg, ByteBuf out) {
        ByteBuf payload = msg.content();
        int length = payload.readableBytes();
        long timestamp = msg.timestamp();
        boolean extended = timestamp >= 0xFFFFFF;
        writeBasicHeader(out, 0, msg.chunkStreamId());
        out.writeMedium(extended ? 0xFFFFFF : (int) timestamp);
        out.writeMedium(length);
        out.writeByte(msg.typeId());
        out.writeIntLE(msg.messageStreamId());
        int offset = payload.readerIndex();
        int end = offset + length;
        while (true) {
            if (extended) {
                out.writeInt((int) timestamp);
            }
            int n = Math.min(chunkSize, end - offset);
            out.writeBytes(payload, offset, n);
            offset += n;
            if (offset >= end) {
                break;
            }
            writeBasicHeader(out, 3, msg.chunkStreamId());
        }
        if (msg.type() == MessageType.SET_CHUNK_SIZE && length >= 4) {
            chunkSize = payload.getInt(payload.readerIndex());
        }
    }

    static void writeBasicHeader(ByteBuf out, int fmt, int chunkStreamId) {
        if (chunkStreamId < 2 || chunkStreamId > ChunkDecoder.MAX_CHUNK_STREAM_ID) {
            throw new IllegalArgumentException("chunk stream id not in [2, 65599]: " + chunkStreamId);
        }
        if (chunkStreamId < 64) {
            out.writeByte(fmt << 6 | chunkStreamId);
        } else if (chunkStreamId < 320) {
            out.writeByte(fmt << 6).writeByte(chunkStreamId - 64);
        } else {
            int id = chunkStreamId - 64;
            out.writeByte(fmt << 6 | 1).writeByte(id & 0xFF).writeByte(id >>> 8);
        }
    }
}
