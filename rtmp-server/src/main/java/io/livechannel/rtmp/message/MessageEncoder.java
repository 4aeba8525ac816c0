package io.livechannel.rtmp.message;

import io.livechannel.rtmp.amf.Amf0Writer;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Turns the typed messages the server sends into {@link RawMessage}s: protocol and user control on chunk stream 2
 * (RTMP spec §5.4, §6.2), commands as AMF0 (type 20) on chunk stream 3, as FFmpeg and nginx-rtmp do. Media is
 * never sent (publish only). Ownership: a media message is released; the produced raw message owns its payload.
 */
public final class MessageEncoder extends MessageToMessageEncoder<RtmpMessage> {
    static final int CONTROL_CHUNK_STREAM = 2;
    static final int COMMAND_CHUNK_STREAM = 3;

    public MessageEncoder() {
        super(RtmpMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, List<Object> out) {
        ByteBuf p = ctx.alloc().buffer();
        int csid = CONTROL_CHUNK_STREAM;
        int msid = 0;
        if (msg instanceof SetChunkSize m) {
            p.writeInt(m.chunkSizeBytes());
        } else if (msg instanceof Acknowledgement m) {
            p.writeInt((int) m.sequenceNumber());
        } else if (msg instanceof WindowAcknowledgementSize m) {
            p.writeInt((int) m.windowSizeBytes());
        } else if (msg instanceof SetPeerBandwidth m) {
            p.writeInt((int) m.windowSizeBytes()).writeByte(m.limitType().id());
        } else if (msg instanceof UserControl m) {
            p.writeShort(m.eventType().id()).writeInt((int) m.value());
            if (m.eventType() == UserControlEventType.SET_BUFFER_LENGTH) {
                p.writeInt((int) m.bufferLengthMillis());
            }
        } else if (msg instanceof CommandMessage m) {
            Amf0Writer.writeAll(m.values(), p);
            csid = COMMAND_CHUNK_STREAM;
            msid = m.messageStreamId();
        } else if (msg instanceof DataMessage m) {
            Amf0Writer.writeAll(m.values(), p);
            csid = COMMAND_CHUNK_STREAM;
            msid = m.messageStreamId();
        } else {
            p.release();
            throw new IllegalArgumentException("the server never sends " + msg.type());
        }
        out.add(new RawMessage(csid, 0, msg.type().id(), msid, p));
    }
}
