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
 * Acknowledgement Size are applied and passed on. After decoding each read it fires a {@link ReadProgress} user
 * event (bytes read, the incomplete message that misses the most), for read scheduling behind it.
 *
 * <table>
 *   <caption>limits (from {@link RtmpLimits}), each checked before allocation</caption>
 *   <tr><td>maxMessageSizeBytes</td><td>announced message length</td></tr>
 *   <tr><td>maxChunkStreams</td><td>distinct chunk stream ids on one connection</td></tr>
 *   <tr><td>maxChunkSizeBytes</td><td>the peer's Set Chunk Size</td></tr>
 *   <tr><td>maxBytesBeforeAdmission</td><td>until {@link PublishAdmitted}: partial messages' buffers plus unread
 *       input</td></tr>
 *   <tr><td>maxBytesBeforeAdmissionTotal</td><td>the same for all unadmitted connections together, through the
 *       shared {@link UnadmittedMemory}</td></tr>
 *   <tr><td>maxBufferedBytesPerConnection</td><td>after admission: partial messages' buffers</td></tr>
 * </table>
 * A violation throws {@link RtmpProtocolException} and the decoder discards all further input.
 *
 * <p>Memory: a peer's announced message length is only a bound. Until the publish is admitted a partial message's
 * buffer starts at one chunk and grows as its bytes arrive, so two headers announcing 8 MiB messages cost two
 * chunks, not 16 MiB. An admitted publisher's multi-chunk message gets a buffer of its announced length at once
 * (at most maxMessageSizeBytes), so its chunks are copied once, with no regrowth on the hot path.
 *
 * <p>Interop: fmt 3 continuation chunks of a message with an extended timestamp repeat the 4 extended bytes
 * (spec, FFmpeg, librtmp) but some encoders omit them; as SRS does, the 4 bytes are consumed only if they equal
 * the extended timestamp of the message's first chunk.
 *
 * <p>Ownership: a message that fits in one chunk (most audio and short commands) is not copied: its payload is a
 * retained slice of the input buffer ({@code readRetainedSlice}), so the emitted {@code RawMessage} holds one
 * reference on the read buffer until its consumer releases it (a consumer that keeps the payload past the call
 * pins that whole read buffer, and the next read is then merged into a fresh cumulation). A message of several
 * chunks is copied into its own buffer, owned here until it is emitted (ownership moves into the
 * {@code RawMessage}) or released on Abort or handler removal. Threading: one instance per connection.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {
    /** The chunk size until the peer's Set Chunk Size (RTMP spec §5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    static final int MAX_CHUNK_STREAM_ID = 65599;
    private static final long EXTENDED_TIMESTAMP_MARKER = 0xFFFFFF;
    private static final long UINT32_MASK = 0xFFFFFFFFL;

    private enum State { READ_BASIC_HEADER, READ_MESSAGE_HEADER, READ_EXTENDED_TIMESTAMP, READ_PAYLOAD, DISCARD }

    private final RtmpLimits limits;
    private final UnadmittedMemory unadmitted;
    private final IntObjectMap<ChunkStreamContext> streams = new IntObjectHashMap<>();
    private final AcknowledgementWindow acknowledgements = new AcknowledgementWindow();
    private State state = State.READ_BASIC_HEADER;
    private ChunkHeaderFormat format;
    private ChunkStreamContext current;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int chunkBytesLeft;
    /** The current message is one chunk: its payload will be sliced from the input, nothing is allocated. */
    private boolean singleChunk;
    /** The capacity of all partial messages' buffers. */
    private long bufferedBytes;
    /** Until admitted: what this connection has taken from {@link #unadmitted}; 0 after. */
    private long unadmittedBytes;
    private boolean admitted;
    /** Wire bytes received since the last {@link ReadProgress}. */
    private long bytesRead;
    private ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

    /** A decoder with its own before-admission budget (for clients and tests; a server shares one). */
    public ChunkDecoder(RtmpLimits limits) {
        this(limits, new UnadmittedMemory(limits.maxBytesBeforeAdmissionTotal()));
    }

    /** @param unadmitted the server-wide budget of connections not yet admitted to publish */
    public ChunkDecoder(RtmpLimits limits, UnadmittedMemory unadmitted) {
        this.limits = limits;
        this.unadmitted = unadmitted;
    }

    /** The peer's current chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesRead += buf.readableBytes();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (bytesRead > 0 && state != State.DISCARD) {
            ctx.fireUserEventTriggered(progress());
            bytesRead = 0;
        }
        super.channelReadComplete(ctx);
    }

    private ReadProgress progress() {
        ChunkStreamContext most = null;
        int mostMissing = 0;
        for (ChunkStreamContext c : streams.values()) {
            if (c.partial != null && c.messageLength - c.partial.writerIndex() > mostMissing) {
                most = c;
                mostMissing = c.messageLength - c.partial.writerIndex();
            }
        }
        if (most == null) {
            return new ReadProgress(bytesRead, -1, -1, 0);
        }
        int firstByte = most.partial.writerIndex() > 0 ? most.partial.getUnsignedByte(0) : -1;
        int missing = Math.max(1, mostMissing - internalBuffer().readableBytes());
        return new ReadProgress(bytesRead, most.typeId, firstByte, missing);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == PublishAdmitted.EVENT && !admitted) {
            admitted = true;
            unadmitted.release(unadmittedBytes);
            unadmittedBytes = 0;
        }
        super.userEventTriggered(ctx, evt);
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
            if (!admitted) {
                reserve(0, in.readableBytes()); // unread input counts too: a large chunk size lets it wait there
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

    /** Admitted: a buffer of the announced length. Before: one chunk's worth, grown as the bytes arrive. */
    private void allocate(ChunkStreamContext c) {
        int length = c.messageLength;
        int capacity = admitted ? length : Math.min(length, chunkSize);
        reserve(capacity, 0);
        c.partial = allocator.buffer(capacity, length);
    }

    /** Makes room for {@code n} more bytes in {@code partial}, as the allocator would grow it, within the limits. */
    private void ensureWritable(ByteBuf partial, int n) {
        if (partial.writableBytes() >= n) {
            return;
        }
        int capacity = allocator.calculateNewCapacity(partial.writerIndex() + n, partial.maxCapacity());
        reserve(capacity - partial.capacity(), 0);
        partial.capacity(capacity);
    }

    /**
     * Accounts {@code more} bytes about to be allocated for partial messages; before admission also the
     * {@code unread} input left when a decode ends (0 in between), against this connection's and the server-wide
     * limit. Throws before anything is allocated when a limit would be passed.
     */
    private void reserve(int more, int unread) {
        long partials = bufferedBytes + more;
        if (admitted) {
            if (partials > limits.maxBufferedBytesPerConnection()) {
                throw new RtmpProtocolException(Reason.BUFFER_LIMIT, "partial messages of " + partials
                        + " bytes exceed maxBufferedBytesPerConnection " + limits.maxBufferedBytesPerConnection());
            }
            bufferedBytes = partials;
            return;
        }
        long held = partials + unread;
        if (held > limits.maxBytesBeforeAdmission()) {
            throw new RtmpProtocolException(Reason.BEFORE_ADMISSION_LIMIT, held
                    + " bytes held before the publish was admitted exceed maxBytesBeforeAdmission "
                    + limits.maxBytesBeforeAdmission());
        }
        long delta = held - unadmittedBytes;
        if (delta > 0 && !unadmitted.tryReserve(delta)) {
            throw new RtmpProtocolException(Reason.BEFORE_ADMISSION_LIMIT, "connections not admitted to publish "
                    + "hold " + unadmitted.heldBytes() + " bytes; " + delta + " more would exceed "
                    + "maxBytesBeforeAdmissionTotal " + unadmitted.limitBytes());
        } else if (delta < 0) {
            unadmitted.release(-delta);
        }
        unadmittedBytes = held;
        bufferedBytes = partials;
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
        ensureWritable(c.partial, n);
        in.readBytes(c.partial, n);
        chunkBytesLeft -= n;
        if (chunkBytesLeft > 0) {
            return State.READ_PAYLOAD;
        }
        if (c.partial.writerIndex() < c.messageLength) {
            return State.READ_BASIC_HEADER;
        }
        ByteBuf payload = c.partial;
        c.partial = null;
        bufferedBytes -= payload.capacity();
        emit(ctx, new RawMessage(c.chunkStreamId, c.timestamp, c.typeId, c.messageStreamId, payload), out);
        return State.READ_BASIC_HEADER;
    }

    private void emit(ChannelHandlerContext ctx, RawMessage message, List<Object> out) {
        if (applyControl(ctx, message)) {
            out.add(message);
        } else {
            message.release();
        }
    }

    /** Applies Set Chunk Size, Abort and Window Acknowledgement Size; false when the message is consumed. */
    private boolean applyControl(ChannelHandlerContext ctx, RawMessage message) {
        MessageType type = message.type();
        if (type != MessageType.SET_CHUNK_SIZE && type != MessageType.ABORT
                && type != MessageType.WINDOW_ACKNOWLEDGEMENT_SIZE) {
            return true;
        }
        ByteBuf p = message.content();
        if (p.readableBytes() < 4) {
            message.release();
            throw new RtmpProtocolException(Reason.BAD_MESSAGE,
                    "protocol control message " + type + " of " + p.readableBytes() + " bytes, need 4");
        }
        long value = p.getUnsignedInt(p.readerIndex());
        switch (type) {
            case SET_CHUNK_SIZE -> {
                if (value < 1 || value > limits.maxChunkSizeBytes()) {
                    message.release();
                    throw new RtmpProtocolException(Reason.BAD_CHUNK_SIZE, "Set Chunk Size " + value
                            + " not in [1, maxChunkSizeBytes " + limits.maxChunkSizeBytes() + "]");
                }
                chunkSize = (int) value;
                return true;
            }
            case ABORT -> {
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
        bufferedBytes -= c.partial.capacity();
        c.releasePartial();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (ChunkStreamContext c : streams.values()) {
            c.releasePartial();
        }
        streams.clear();
        bufferedBytes = 0;
        unadmitted.release(unadmittedBytes);
        unadmittedBytes = 0;
        state = State.DISCARD;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        allocator = ctx.alloc();
        super.handlerAdded(ctx);
    }
}
