package io.livechannel.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.RtmpProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.Random;

/** Any C0/C1/C2 bytes: a 3073-byte answer or a protocol error, nothing else. Corpus: {@code HandshakeFuzzTestInputs/}. */
class HandshakeFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void answersOrRejects(byte[] data) {
        EmbeddedChannel channel = new EmbeddedChannel(new HandshakeDecoder(Duration.ofSeconds(10), new Random(1)));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(data));
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(RtmpProtocolException.class);
        }
        ByteBuf response = channel.readOutbound();
        if (response != null) {
            assertThat(response.readableBytes()).isEqualTo(1 + 2 * 1536);
            response.release();
        }
        channel.finishAndReleaseAll();
    }
}
