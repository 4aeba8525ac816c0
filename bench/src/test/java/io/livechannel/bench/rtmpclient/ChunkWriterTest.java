package io.livechannel.bench.rtmpclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The load generator's chunks are read back by livechannel's own server-side {@link ChunkDecoder}. */
class ChunkWriterTest {
    private static RawMessage roundTrip(ChunkWriter.MessageHeader header, ByteBuf payload) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        ByteBuf wire = Unpooled.buffer();
        new ChunkWriter(128).write(wire, new ChunkWriter.MessageHeader(2, 0, 1, 0),
                Unpooled.buffer().writeInt(4096), 0, 4);
        ChunkWriter w = new ChunkWriter(4096);
        int before = wire.writerIndex();
        w.write(wire, header, payload, 0, payload.readableBytes());
        assertThat(wire.writerIndex() - before).isEqualTo(w.encodedLength(payload.readableBytes(),
                header.timestampMillis()));
        ch.writeInbound(wire);
        RawMessage setChunkSize = ch.readInbound();
        setChunkSize.release();
        RawMessage m = ch.readInbound();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
        return m;
    }

    private static ByteBuf payload(int length) {
        ByteBuf b = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            b.writeByte(i * 31);
        }
        return b;
    }

    @Test
    void videoMessageSpanningThreeChunksArrivesWhole() {
        ByteBuf p = payload(10_000);
        RawMessage m = roundTrip(new ChunkWriter.MessageHeader(6, 40_000, 9, 1), p);
        assertThat(m.typeId()).isEqualTo(9);
        assertThat(m.timestamp()).isEqualTo(40_000);
        assertThat(m.messageStreamId()).isEqualTo(1);
        assertThat(m.chunkStreamId()).isEqualTo(6);
        assertThat(ByteBufUtil.equals(m.content(), p)).isTrue();
        m.release();
    }

    @Test
    void timestampAbove24BitsTravelsInTheExtendedField() {
        ByteBuf p = payload(9_000);
        RawMessage m = roundTrip(new ChunkWriter.MessageHeader(4, 0x1234567L, 8, 1), p);
        assertThat(m.timestamp()).isEqualTo(0x1234567L);
        assertThat(ByteBufUtil.equals(m.content(), p)).isTrue();
        m.release();
    }

    @Test
    void emptyPayloadIsOneHeaderOnlyChunk() {
        ChunkWriter w = new ChunkWriter(4096);
        assertThat(w.encodedLength(0, 0)).isEqualTo(12);
        RawMessage m = roundTrip(new ChunkWriter.MessageHeader(3, 0, 20, 0), Unpooled.EMPTY_BUFFER);
        assertThat(m.content().readableBytes()).isZero();
        m.release();
    }
}
