package io.livechannel.rtmp.message;

import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.RtmpProtocolException.Reason;
import io.livechannel.rtmp.amf.Amf0Reader;
import io.livechannel.rtmp.chunk.MessageType;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link RawMessage}s into typed {@link RtmpMessage}s (RTMP spec §5.4, §6.2, §7.1). Aggregate messages
 * (type 22, §7.1.6) are split into their audio, video and data sub-messages with timestamps rebased onto the
 * aggregate's. AMF3-envelope commands and data (types 17 and 15) are read as AMF0 after their leading 0x00 format
 * byte, as nginx-rtmp does. Abort is consumed by the chunk decoder; unknown types are dropped (DEBUG).
 *
 * <p>Not a handler: the server's {@code SessionHandler} calls it for every message but plain audio and video, which
 * it takes from the {@link RawMessage} without a typed copy (one pipeline hop and two objects less per media
 * message). Messages go to a consumer one at a time, so an aggregate of many small sub-messages never becomes a
 * list of them: what one message can make this allocate stays proportional to that message, not a multiple of it.
 *
 * <p>Ownership: {@link #read} neither releases nor retains {@code msg}; each {@link MediaMessage} it hands to
 * {@code out} holds a retained slice of the payload, released by the consumer. Errors throw
 * {@link RtmpProtocolException}. Threading: one instance per connection (the AMF reader is not shared).
 */
public final class MessageReader {
    private static final Logger log = LoggerFactory.getLogger(MessageReader.class);
    /** type(1) size(3) timestamp(3) timestamp-extended(1) stream id(3): FLV tag header inside an aggregate. */
    private static final int AGGREGATE_HEADER_LENGTH = 11;
    private static final int AGGREGATE_BACK_POINTER_LENGTH = 4;

    private final Amf0Reader amf;

    public MessageReader(int maxAmfDepth) {
        this.amf = new Amf0Reader(maxAmfDepth);
    }

    /** Hands the typed message(s) of {@code msg} to {@code out}, in order (none for an unknown type). */
    public void read(RawMessage msg, Consumer<RtmpMessage> out) {
        ByteBuf p = msg.content();
        MessageType type = msg.type();
        int msid = msg.messageStreamId();
        switch (type) {
            case SET_CHUNK_SIZE -> out.accept(new SetChunkSize(readInt(p, type)));
            case ACKNOWLEDGEMENT -> out.accept(new Acknowledgement(readUnsignedInt(p, type)));
            case WINDOW_ACKNOWLEDGEMENT_SIZE -> out.accept(new WindowAcknowledgementSize(readUnsignedInt(p, type)));
            case SET_PEER_BANDWIDTH -> out.accept(readSetPeerBandwidth(p));
            case USER_CONTROL -> out.accept(readUserControl(p));
            case AUDIO, VIDEO -> out.accept(new MediaMessage(type, msg.timestamp(), msid, p.retainedSlice()));
            case DATA_AMF0 -> out.accept(new DataMessage(msid, msg.timestamp(), amf.readAll(p.duplicate())));
            case DATA_AMF3 -> out.accept(new DataMessage(msid, msg.timestamp(), amf.readAll(skipEnvelope(p))));
            case COMMAND_AMF0 -> out.accept(new CommandMessage(msid, amf.readAll(p.duplicate())));
            case COMMAND_AMF3 -> out.accept(new CommandMessage(msid, amf.readAll(skipEnvelope(p))));
            case AGGREGATE -> readAggregate(msg, out);
            case ABORT, UNKNOWN -> log.debug("rtmp skipped message type {}", msg.typeId());
        }
    }

    private static ByteBuf skipEnvelope(ByteBuf p) {
        ByteBuf d = p.duplicate();
        if (d.isReadable() && d.getByte(d.readerIndex()) == 0) {
            d.skipBytes(1);
        }
        return d;
    }

    private static int readInt(ByteBuf p, MessageType type) {
        need(p, 4, type);
        int value = p.getInt(p.readerIndex());
        if (value < 1 || value > 0xFFFFFF) {
            throw new RtmpProtocolException(Reason.BAD_CHUNK_SIZE, "Set Chunk Size " + value + " out of range");
        }
        return value;
    }

    private static long readUnsignedInt(ByteBuf p, MessageType type) {
        need(p, 4, type);
        return p.getUnsignedInt(p.readerIndex());
    }

    private static SetPeerBandwidth readSetPeerBandwidth(ByteBuf p) {
        need(p, 5, MessageType.SET_PEER_BANDWIDTH);
        int r = p.readerIndex();
        return new SetPeerBandwidth(p.getUnsignedInt(r), SetPeerBandwidth.LimitType.of(p.getUnsignedByte(r + 4)));
    }

    /*
     * +------------------+---------------------------------------+
     * | event type (u16) | event data: u32 [, u32 for SetBufferLength] |
     * +------------------+---------------------------------------+
     */
    private static UserControl readUserControl(ByteBuf p) {
        need(p, 2, MessageType.USER_CONTROL);
        int r = p.readerIndex();
        UserControlEventType event = UserControlEventType.of(p.getUnsignedShort(r));
        long value = p.readableBytes() >= 6 ? p.getUnsignedInt(r + 2) : 0;
        long buffer = event == UserControlEventType.SET_BUFFER_LENGTH && p.readableBytes() >= 10
                ? p.getUnsignedInt(r + 6) : 0;
        return new UserControl(event, value, buffer);
    }

    /*
     * Aggregate body: repeated FLV tags
     * +---------+---------+-----------+-------------+------------+--------+-------------------+
     * | type(1) | size(3) | ts(3)     | ts-ext(1)   | stream(3)  | data   | back pointer (4)  |
     * +---------+---------+-----------+-------------+------------+--------+-------------------+
     * Sub-message timestamps are rebased: aggregate ts + (sub ts - first sub ts).
     */
    private void readAggregate(RawMessage msg, Consumer<RtmpMessage> out) {
        ByteBuf p = msg.content().duplicate();
        long firstTimestamp = -1;
        while (p.readableBytes() >= AGGREGATE_HEADER_LENGTH) {
            int r = p.readerIndex();
            int subType = p.getUnsignedByte(r);
            int size = p.getUnsignedMedium(r + 1);
            long ts = p.getUnsignedMedium(r + 4) | ((long) p.getUnsignedByte(r + 7) << 24);
            if (p.readableBytes() < AGGREGATE_HEADER_LENGTH + size) {
                throw new RtmpProtocolException(Reason.BAD_MESSAGE, "aggregate sub-message of " + size
                        + " bytes exceeds the " + (p.readableBytes() - AGGREGATE_HEADER_LENGTH) + " bytes left");
            }
            if (firstTimestamp < 0) {
                firstTimestamp = ts;
            }
            long timestamp = (msg.timestamp() + ts - firstTimestamp) & 0xFFFFFFFFL;
            p.skipBytes(AGGREGATE_HEADER_LENGTH);
            ByteBuf data = p.readSlice(size);
            MessageType sub = MessageType.of(subType);
            switch (sub) {
                case AUDIO, VIDEO -> out.accept(new MediaMessage(sub, timestamp, msg.messageStreamId(), data.retain()));
                case DATA_AMF0 -> out.accept(new DataMessage(msg.messageStreamId(), timestamp, amf.readAll(data)));
                default -> log.debug("skipped aggregate sub-message type {}", subType);
            }
            p.skipBytes(Math.min(AGGREGATE_BACK_POINTER_LENGTH, p.readableBytes()));
        }
    }

    private static void need(ByteBuf p, int bytes, MessageType type) {
        if (p.readableBytes() < bytes) {
            throw new RtmpProtocolException(Reason.BAD_MESSAGE,
                    type + " message of " + p.readableBytes() + " bytes, need " + bytes);
        }
    }
}
