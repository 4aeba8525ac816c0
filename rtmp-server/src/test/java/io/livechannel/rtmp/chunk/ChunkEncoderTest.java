package io.livechannel.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.RtmpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChunkEncoderTest {
    private static String encode(EmbeddedChannel channel, RawMessage message) {
        channel.writeOutbound(message);
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        String hex = ByteBufUtil.hexDump(out);
        out.release();
        return hex;
    }

    private static ByteBuf payload(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return Unpooled.wrappedBuffer(b);
    }

    private static String hex(String spaced) {
        return spaced.replace(" ", "");
    }

    @Test
    void splitsLikeTheSpecExample2WithFmt3Continuations() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkEncoder());
        String bytes = encode(channel, new RawMessage(4, 1000, 9, 12346, payload(307, 0xb1)));
        assertThat(bytes).isEqualTo(hex("04 0003e8 000133 09 3a300000" + " b1".repeat(128) // fmt 0, csid 4, ts 1000, len 307, msid 12346
                + " c4" + " b1".repeat(128)                                                  // fmt 3
                + " c4" + " b1".repeat(51)));                                                // fmt 3
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void repeatsTheExtendedTimestampOnEveryContinuationChunk() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkEncoder());
        String bytes = encode(channel, new RawMessage(5, 0x01000000L, 9, 1, payload(200, 0xc1)));
        assertThat(bytes).isEqualTo(hex("05 ffffff 0000c8 09 01000000 01000000" + " c1".repeat(128)
                + " c5 01000000" + " c1".repeat(72)));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void usesItsOwnSetChunkSizeForLaterMessages() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkEncoder());
        assertThat(encode(channel, new RawMessage(2, 0, 1, 0, Unpooled.wrappedBuffer(HexFormat.of().parseHex("00001000")))))
                .isEqualTo(hex("02 000000 000004 01 00000000 00001000"));
        assertThat(encode(channel, new RawMessage(3, 0, 20, 0, payload(300, 0x02))))
                .isEqualTo(hex("03 000000 00012c 14 00000000" + " 02".repeat(300))); // one chunk at 4096
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void writesTwoAndThreeByteBasicHeaders() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkEncoder());
        assertThat(encode(channel, new RawMessage(64, 0, 8, 1, payload(1, 0xe0)))).startsWith("0000");
        assertThat(encode(channel, new RawMessage(319, 0, 8, 1, payload(1, 0xe0)))).startsWith("00ff");
        assertThat(encode(channel, new RawMessage(320, 0, 8, 1, payload(1, 0xe0)))).startsWith("010001");
        assertThat(encode(channel, new RawMessage(65599, 0, 8, 1, payload(1, 0xe0)))).startsWith("01ffff");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void whatItEncodesTheDecoderReadsBack() {
        EmbeddedChannel encoder = new EmbeddedChannel(new ChunkEncoder());
        EmbeddedChannel decoder = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        for (long ts : new long[] {0, 1000, 0xFFFFFE, 0xFFFFFF, 0xFFFFFFFFL}) {
            decoder.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                    encode(encoder, new RawMessage(6, ts, 9, 1, payload(1000, 0x33))))));
            RawMessage m = decoder.readInbound();
            assertThat(m.timestamp()).isEqualTo(ts);
            assertThat(m.content().readableBytes()).isEqualTo(1000);
            m.release();
        }
        assertThat(encoder.finishAndReleaseAll()).isFalse();
        assertThat(decoder.finishAndReleaseAll()).isFalse();
    }
}
