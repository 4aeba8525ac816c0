package io.livechannel.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.RtmpProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;

/**
 * Any byte sequence either decodes into messages no longer than the limit or fails with a protocol error;
 * nothing leaks (paranoid leak detection) and nothing else is thrown. Corpus: {@code ChunkDecoderFuzzTestInputs/}.
 */
class ChunkDecoderFuzzTest {
    private static final RtmpLimits SMALL = new RtmpLimits(64 * 1024, 8, 128 * 1024, 0xFFFFFF, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(5), 16, RtmpLimits.DEFAULT_READ_BATCH_HOLD,
            RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION, RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION_TOTAL,
            RtmpLimits.DEFAULT_ADMISSION_TIMEOUT);

    @FuzzTest(maxDuration = "60s")
    void decodesOrRejects(byte[] data) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkDecoder(SMALL));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(data));
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(RtmpProtocolException.class);
        }
        for (RawMessage m; (m = channel.readInbound()) != null; ) {
            assertThat(m.content().readableBytes()).isLessThanOrEqualTo(SMALL.maxMessageSizeBytes());
            m.release();
        }
        channel.finishAndReleaseAll();
    }
}
