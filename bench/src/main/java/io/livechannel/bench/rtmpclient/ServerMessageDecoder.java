package io.livechannel.bench.rtmpclient;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Reassembles the server's chunk stream into {@link ServerMessage}s (RTMP spec §5.3), following the server's
 * Set Chunk Size. A client reads few and small messages, so each chunk is decoded only once it is complete
 * (header and its share of payload buffered), which keeps one code path instead of a state per header part.
 *
 * <pre>
 * basic header: fmt (2 bits) | csid (6 bits); csid 0 -> 1 more byte (csid - 64), csid 1 -> 2 more bytes (LE)
 * fmt 0: timestamp u24 | length u24 | type u8 | msid u32 LE      fmt 1: delta u24 | length u24 | type u8
 * fmt 2: delta u24                                                 fmt 3: nothing
 * then a u32 extended timestamp when the 24-bit field is 0xFFFFFF
 * </pre>
 *
 * <p>Limits: messages above {@value #MAX_MESSAGE_BYTES} bytes and chunk sizes above {@value #MAX_CHUNK_SIZE} are
 * refused before allocation; after such an error the decoder discards all further input. Not sharable; runs on
 * the connection's event loop. Each context's partial message is released when the handler is removed.
 */
public final class ServerMessageDecoder extends ByteToMessageDecoder {
    /** Server replies are at most a few hundred bytes; 1 MiB leaves room for any metadata a server might send. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    /** RTMP spec §5.4.1: chunk size is at most 0x7FFFFFFF, but anything above 16 MiB is nonsense for a reply. */
    static final int MAX_CHUNK_SIZE = 1 << 24;
    private static final int MAX_CHUNK_STREAMS = 64 + 65536;
    private static final int DEFAULT_CHUNK_SIZE = 128;

    private final java.util.Map<Integer, Context> contexts = new java.util.HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private boolean failed;

    /** After the first error every further byte is discarded: the stream cannot be resynchronised. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (in.isReadable()) {
                if (!readChunk(ctx, in, out)) {
                    return;
                }
            }
        } catch (DecoderException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private boolean readChunk(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int first = in.getUnsignedByte(start);
        int fmt = first >> 6;
        int basicLength = switch (first & 0x3f) { case 0 -> 2; case 1 -> 3; default -> 1; };
        int headerLength = basicLength + switch (fmt) { case 0 -> 11; case 1 -> 7; case 2 -> 3; default -> 0; };
        if (in.readableBytes() < headerLength) {
            return false;
        }
        int csid = switch (first & 0x3f) {
            case 0 -> 64 + in.getUnsignedByte(start + 1);
            case 1 -> 64 + in.getUnsignedShortLE(start + 1);
            default -> first & 0x3f;
        };
        Context c = contexts.get(csid);
        if (c == null && fmt != 0) {
            throw new DecoderException("chunk fmt " + fmt + " on chunk stream " + csid + " without a previous header");
        }
        int h = start + basicLength;
        long ts = fmt == 3 ? c.lastTimestampField : in.getUnsignedMedium(h);
        boolean extended = ts == 0xFFFFFF;
        int total = headerLength + (extended ? 4 : 0);
        if (in.readableBytes() < total) {
            return false;
        }
        int length = fmt <= 1 ? in.getUnsignedMedium(h + 3) : c.length;
        if (length > MAX_MESSAGE_BYTES) {
            throw new DecoderException("message length " + length + " exceeds MAX_MESSAGE_BYTES " + MAX_MESSAGE_BYTES);
        }
        int already = c == null || c.partial == null ? 0 : c.partial.writerIndex();
        int payload = Math.min(chunkSize, length - already);
        if (in.readableBytes() < total + payload) {
            return false;
        }
        if (c == null) {
            if (contexts.size() >= MAX_CHUNK_STREAMS) {
                throw new DecoderException("too many chunk streams");
            }
            c = new Context();
            contexts.put(csid, c);
        }
        if (fmt <= 1) {
            c.typeId = in.getUnsignedByte(h + 6);
            c.length = length;
        }
        if (fmt == 0) {
            c.messageStreamId = in.getIntLE(h + 7);
        }
        c.lastTimestampField = ts;
        in.readerIndex(start + total);
        appendPayload(ctx, c, in, payload, out);
        return true;
    }

    /** Moves {@code payload} bytes into the context's message; emits it when complete (ownership moves to out). */
    private void appendPayload(ChannelHandlerContext ctx, Context c, ByteBuf in, int payload, List<Object> out) {
        if (c.partial == null) {
            c.partial = ctx.alloc().buffer(c.length);
        }
        c.partial.writeBytes(in, payload);
        if (c.partial.writerIndex() == c.length) {
            ByteBuf done = c.partial;
            c.partial = null;
            onMessage(c.typeId, done);
            out.add(new ServerMessage(c.typeId, c.messageStreamId, done));
        }
    }

    private void onMessage(int typeId, ByteBuf payload) {
        if (typeId == ServerMessage.SET_CHUNK_SIZE && payload.readableBytes() >= 4) {
            int size = payload.getInt(payload.readerIndex()) & 0x7FFFFFFF;
            if (size < 1 || size > MAX_CHUNK_SIZE) {
                throw new DecoderException("chunk size " + size + " outside 1.." + MAX_CHUNK_SIZE);
            }
            chunkSize = size;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (Context c : contexts.values()) {
            if (c.partial != null) {
                c.partial.release();
                c.partial = null;
            }
        }
    }

    /** Previous header of one chunk stream and its message being reassembled (owned here until complete). */
    private static final class Context {
        private long lastTimestampField;
        private int length;
        private int typeId;
        private int messageStreamId;
        private ByteBuf partial;
    }
}
