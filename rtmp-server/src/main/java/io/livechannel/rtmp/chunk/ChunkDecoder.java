package io.livechannel.rtmp.chunk;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.RtmpProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;

/**
 * Reassembles RTMP chunks into whole messages (RTMP spec §5.3): all four header formats, chunk stream ids
 * 2..65599, extended timestamps (also on fmt 3 chunks), and the protocol control messages that change how later
 * chunks are read (§5.4): Set Chunk Size, Abort, Window Acknowledgement Size, to which it answers with
 * Acknowledgement messages (§5.4.3) written through the whole pipeline.
 *
 * <p>Emits {@link RawMessage}s in completion order; Abort is consumed here, Set Chunk Size and Window
 * Acknowledgement Size are applied and passed on.
 *
 * <table>
 *   <caption>limits (from {@link RtmpLimits}), each checked before allocation</caption>
 *   <tr><td>maxMessageSizeBytes</td><td>announced message length</td></tr>
 *   <tr><td>maxChunkStreams</td><td>distinct chunk stream ids on one connection</td></tr>
 *   <tr><td>maxBufferedBytesPerConnection</td><td>sum of the lengths of partial messages</td></tr>
 *   <tr><td>maxChunkSizeBytes</td><td>the peer's Set Chunk Size</td></tr>
 * </table>
 * A violation throws {@link RtmpProtocolException} and the decoder discards all further input.
 *
 * <p>Interop: fmt 3 continuation chunks of a message with an extended timestamp repeat the 4 extended bytes
 * (spec, FFmpeg, librtmp) but some encoders omit them; as SRS does, the 4 bytes are consumed only if they equal
 * the extended timestamp of the message's first chunk.
 *
 * <p>Ownership: a message that fits in one chunk (most audio and short commands) is not copied: its payload is a
 * retained slice of the input buffer ({@code readRetainedSlice}), so the emitted {@code RawMessage} holds one
 * reference on the read buffer until its consumer releases it (a consumer that keeps the payload past the call
 * pins that whole read buffer, and the next read is then merged into a fresh cumulation). A message of several
 * chunks is copied into a buffer of exactly its length, owned here until it is emitted (ownership moves into the
 * {@code RawMessage}) or released on Abort or handler removal. Threading: one instance per connection.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {
    /** The chunk size until the peer's Set Chunk Size (RTMP spec §5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    static final int MAX_CHUNK_STREAM_ID = 65599;
    private static final long EXTENDED_TIMESTAMP_MARKER = 0xFFFFFF;
    private static final long UINT32_MASK = 0xFFFFFFFFL;
    /** RTMP message type 9, video (the chunk layer does not otherwise look at types beyond protocol control). */
    private static final int VIDEO_TYPE_ID = 9;

    private enum State { READ_BASIC_HEADER, READ_MESSAGE_HEADER, READ_EXTENDED_TIMESTAMP, READ_PAYLOAD, DISCARD }

    private final RtmpLimits limits;
    private final IntObjectMap<ChunkStreamContext> streams = new IntObjectHashMap<>();
    private final AcknowledgementWindow acknowledgements = new AcknowledgementWindow();
    private State state = State.READ_BASIC_HEADER;
    private ChunkHeaderFormat format;
    private ChunkStreamContext current;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int chunkBytesLeft;
    /** The current message is one chunk: its payload will be sliced from the input, nothing is allocated. */
    private boolean singleChunk;
    private long bufferedBytes;
    /** The chunk stream whose partial message is a video keyframe, for {@link #bytesToFinishKeyframe}; or null. */
    private ChunkStreamContext keyframe;
    private int lastKeyframeBytes;
    private ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

    public ChunkDecoder(RtmpLimits limits) {
        this.limits = limits;
    }

    /** The peer's current chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * At most the bytes still to arrive before the video keyframe being reassembled is complete (its missing
     * payload less what waits unread in the input; chunk headers and interleaved audio are not counted, so this
     * never exceeds the true figure); 0 when no keyframe is under way. Read batching lowers the socket's
     * low-water mark to it, so the message that cuts a segment is read as soon as its last byte arrives. The
     * frame type is the high nibble's low 3 bits of the first payload byte, in the legacy FLV video tag and in
     * Enhanced RTMP alike; 1 is a keyframe.
     */
    public int bytesToFinishKeyframe() {
        ChunkStreamContext c = keyframe;
        if (c == null || c.partial == null) {
            return 0;
        }
        return Math.max(1, c.messageLength - c.partial.writerIndex() - internalBuffer().readableBytes());
    }

    /**
     * The payload size of the last complete video keyframe, 0 before the first. Read batching keeps the socket's
     * low-water mark at most half of it, so that a keyframe always fills the mark by itself and is never held.
     */
    public int lastKeyframeBytes() {
        return lastKeyframeBytes;
    }

    /** Whether a video payload (legacy FLV tag or Enhanced RTMP) starts a keyframe: frame type 1 in its first byte. */
    private static boolean isKeyframe(ByteBuf payload) {
        return payload.isReadable() && ((payload.getUnsignedByte(payload.readerIndex()) >> 4) & 0x7) == 1;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        try {
            // transitions that consume nothing (fmt 3 without extended timestamp) continue in this loop
            while (true) {
                State before = state;
                int index = in.readerIndex();
                switch (state) {
                    case READ_BASIC_HEADER -> state = readBasicHeader(in);
                    case READ_MESSAGE_HEADER -> state = readMessageHeader(in);
                    case READ_EXTENDED_TIMESTAMP -> state = readExtendedTimestamp(in);
                    case READ_PAYLOAD -> state = readPayload(ctx, in, out);
                    case DISCARD -> in.skipBytes(in.readableBytes());
                }
                if (state == before && in.readerIndex() == index) {
                    break;
                }
            }
        } catch (RtmpProtocolException e) {
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        acknowledgements.received(ctx, in.readerIndex() - start);
    }

    /*
     *  0 1 2 3 4 5 6 7        fmt: header format 0-3
     * +-+-+-+-+-+-+-+-+       cs id 2..63 in the low 6 bits;
     * |fmt|   cs id   |       0 -> one more byte, id = 64 + b1          (64..319)
     * +-+-+-+-+-+-+-+-+       1 -> two more bytes, id = 64 + b1 + 256*b2 (64..65599)
     */
    private State readBasicHeader(ByteBuf in) {
        if (!in.isReadable()) {
            return State.READ_BASIC_HEADER;
        }
        int r = in.readerIndex();
        int first = in.getUnsignedByte(r);
        int id = first & 0x3F;
        int length = 1;
        if (id == 0) {
            length = 2;
        } else if (id == 1) {
            length = 3;
        }
        if (in.readableBytes() < length) {
            return State.READ_BASIC_HEADER;
        }
        if (length == 2) {
            id = 64 + in.getUnsignedByte(r + 1);
        } else if (length == 3) {
            id = 64 + in.getUnsignedByte(r + 1) + 256 * in.getUnsignedByte(r + 2);
        }
        in.skipBytes(length);
        format = ChunkHeaderFormat.of(first >>> 6);
        current = stream(id);
        return State.READ_MESSAGE_HEADER;
    }

    private ChunkStreamContext stream(int id) {
        ChunkStreamContext c = streams.get(id);
        if (c != null) {
            return c;
        }
        if (format != ChunkHeaderFormat.FULL) {
            throw new RtmpProtocolException(Reason.BAD_CHUNK,
                    "chunk stream " + id + " starts with a fmt " + format.ordinal() + " header instead of fmt 0");
        }
        if (streams.size() >= limits.maxChunkStreams()) {
            throw new RtmpProtocolException(Reason.TOO_MANY_CHUNK_STREAMS,
                    "chunk stream " + id + " exceeds maxChunkStreams " + limits.maxChunkStreams());
        }
        c = new ChunkStreamContext(id);
        streams.put(id, c);
        return c;
    }

    /*
     * fmt 0 (11 bytes): timestamp(3) | message length(3) | type id(1) | message stream id(4, little-endian)
     * fmt 1 (7 bytes):  timestamp delta(3) | message length(3) | type id(1)
     * fmt 2 (3 bytes):  timestamp delta(3)
     * fmt 3 (0 bytes)
     * A timestamp field of 0xFFFFFF means a 4-byte extended timestamp follows.
     */
    private State readMessageHeader(ByteBuf in) {
        int n = format.headerLength();
        if (in.readableBytes() < n) {
            return State.READ_MESSAGE_HEADER;
        }
        ChunkStreamContext c = current;
        int r = in.readerIndex();
        if (format != ChunkHeaderFormat.CONTINUATION) {
            if (c.inMessage()) {
                // a new header before the message ended: the sender gave up on it (nginx-rtmp does the same)
                dropPartial(c);
            }
            long field = in.getUnsignedMedium(r);
            c.extended = field == EXTENDED_TIMESTAMP_MARKER;
            c.timestampField = field;
            if (format != ChunkHeaderFormat.DELTA_ONLY) {
                c.messageLength = in.getUnsignedMedium(r + 3);
                c.typeId = in.getUnsignedByte(r + 6);
            }
            if (format == ChunkHeaderFormat.FULL) {
                c.messageStreamId = in.getIntLE(r + 7);
            }
        }
        in.skipBytes(n);
        return c.extended ? State.READ_EXTENDED_TIMESTAMP : beginChunk();
    }

    private State readExtendedTimestamp(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return State.READ_EXTENDED_TIMESTAMP;
        }
        ChunkStreamContext c = current;
        long value = in.getUnsignedInt(in.readerIndex());
        if (format != ChunkHeaderFormat.CONTINUATION) {
            c.timestampField = value;
            in.skipBytes(4);
        } else if (!c.inMessage() || value == c.timestampField) {
            in.skipBytes(4);
        }
        return beginChunk();
    }

    private State beginChunk() {
        ChunkStreamContext c = current;
        if (!c.inMessage()) {
            switch (format) {
                case FULL -> {
                    c.timestamp = c.timestampField;
                    c.timestampDelta = 0;
                }
                case SAME_STREAM, DELTA_ONLY -> {
                    c.timestampDelta = c.timestampField;
                    c.timestamp = (c.timestamp + c.timestampDelta) & UINT32_MASK;
                }
                case CONTINUATION -> c.timestamp = (c.timestamp + c.timestampDelta) & UINT32_MASK;
            }
            checkMessageSize(c.messageLength);
            if (c.messageLength <= chunkSize) {
                // whole message in this chunk: waits in the input buffer (at most chunkSize bytes), then sliced
                singleChunk = true;
                chunkBytesLeft = c.messageLength;
                return State.READ_PAYLOAD;
            }
            allocate(c);
        }
        singleChunk = false;
        chunkBytesLeft = Math.min(chunkSize, c.messageLength - c.partial.writerIndex());
        return State.READ_PAYLOAD;
    }

    private void checkMessageSize(int length) {
        if (length > limits.maxMessageSizeBytes()) {
            throw new RtmpProtocolException(Reason.MESSAGE_TOO_LARGE, "message length " + length
                    + " exceeds maxMessageSizeBytes " + limits.maxMessageSizeBytes());
        }
    }

    private void allocate(ChunkStreamContext c) {
        int length = c.messageLength;
        if (bufferedBytes + length > limits.maxBufferedBytesPerConnection()) {
            throw new RtmpProtocolException(Reason.BUFFER_LIMIT, "partial messages of " + (bufferedBytes + length)
                    + " bytes exceed maxBufferedBytesPerConnection " + limits.maxBufferedBytesPerConnection());
        }
        c.partial = allocator.buffer(length, length);
        bufferedBytes += length;
    }

    private State readPayload(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ChunkStreamContext c = current;
        if (singleChunk) {
            if (in.readableBytes() < chunkBytesLeft) {
                return State.READ_PAYLOAD;
            }
            ByteBuf payload = chunkBytesLeft == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(chunkBytesLeft);
            chunkBytesLeft = 0;
            emit(ctx, new RawMessage(c.chunkStreamId, c.timestamp, c.typeId, c.messageStreamId, payload), out);
            return State.READ_BASIC_HEADER;
        }
        int n = Math.min(chunkBytesLeft, in.readableBytes());
        boolean first = c.partial.writerIndex() == 0;
        in.readBytes(c.partial, n);
        chunkBytesLeft -= n;
        if (first && n > 0) {
            if (c.typeId == VIDEO_TYPE_ID && isKeyframe(c.partial)) {
                keyframe = c;
            } else if (keyframe == c) {
                keyframe = null; // that keyframe was aborted; this is another message
            }
        }
        if (chunkBytesLeft > 0) {
            return State.READ_PAYLOAD;
        }
        if (c.partial.writerIndex() < c.messageLength) {
            return State.READ_BASIC_HEADER;
        }
        ByteBuf payload = c.partial;
        c.partial = null;
        bufferedBytes -= c.messageLength;
        if (keyframe == c) {
            keyframe = null;
        }
        emit(ctx, new RawMessage(c.chunkStreamId, c.timestamp, c.typeId, c.messageStreamId, payload), out);
        return State.READ_BASIC_HEADER;
    }

    private void emit(ChannelHandlerContext ctx, RawMessage message, List<Object> out) {
        if (message.typeId() == VIDEO_TYPE_ID && isKeyframe(message.content())) {
            lastKeyframeBytes = message.content().readableBytes();
        }
        if (applyControl(ctx, message)) {
            out.add(message);
        } else {
            message.release();
        }
    }

    /** Applies Set Chunk Size, Abort and Window Acknowledgement Size; false when the message is consumed. */
    private boolean applyControl(ChannelHandlerContext ctx, RawMessage message) {
        int type = message.typeId();
        if (type != 1 && type != 2 && type != 5) {
            return true;
        }
        ByteBuf p = message.content();
        if (p.readableBytes() < 4) {
            message.release();
            throw new RtmpProtocolException(Reason.BAD_MESSAGE,
                    "protocol control message type " + type + " of " + p.readableBytes() + " bytes, need 4");
        }
        long value = p.getUnsignedInt(p.readerIndex());
        switch (type) {
            case 1 -> {
                if (value < 1 || value > limits.maxChunkSizeBytes()) {
                    message.release();
                    throw new RtmpProtocolException(Reason.BAD_CHUNK_SIZE, "Set Chunk Size " + value
                            + " not in [1, maxChunkSizeBytes " + limits.maxChunkSizeBytes() + "]");
                }
                chunkSize = (int) value;
                return true;
            }
            case 2 -> {
                ChunkStreamContext aborted = streams.get((int) Math.min(value, MAX_CHUNK_STREAM_ID + 1));
                if (aborted != null && aborted.inMessage()) {
                    dropPartial(aborted);
                }
                return false;
            }
            default -> {
                acknowledgements.windowSize(value);
                return true;
            }
        }
    }

    private void dropPartial(ChunkStreamContext c) {
        bufferedBytes -= c.messageLength;
        c.releasePartial();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (ChunkStreamContext c : streams.values()) {
            c.releasePartial();
        }
        streams.clear();
        bufferedBytes = 0;
        state = State.DISCARD;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        allocator = ctx.alloc();
        super.handlerAdded(ctx);
    }
}
