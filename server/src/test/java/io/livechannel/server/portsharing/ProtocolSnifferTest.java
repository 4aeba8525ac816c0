package io.livechannel.server.portsharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ProtocolSnifferTest {
    /** Records the bytes that reach the installed pipeline. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Byte> bytes = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable()) {
                    bytes.add(buf.readByte());
                }
            } finally {
                buf.release();
            }
        }
    }

    private final Recorder http = new Recorder();
    private final Recorder rtmp = new Recorder();

    /** A channel on frozen time, so that only {@code advanceTimeBy} moves the sniffer's deadline closer. */
    private EmbeddedChannel channel() {
        Consumer<ChannelPipeline> httpPipeline = p -> p.addLast("http", http);
        Consumer<ChannelPipeline> rtmpPipeline = p -> p.addLast("rtmp", rtmp);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // before the sniffer is added: that is when it schedules its deadline
        channel.pipeline().addLast(new ProtocolSniffer(httpPipeline, rtmpPipeline, FIRST_BYTE_TIMEOUT));
        return channel;
    }

    static final Duration FIRST_BYTE_TIMEOUT = Duration.ofSeconds(ProtocolSniffer.DEFAULT_FIRST_BYTE_TIMEOUT_SECONDS);

    @Test
    void aConnectionThatSendsNoByteIsClosedAtTheFirstByteTimeout() {
        EmbeddedChannel channel = channel();

        channel.advanceTimeBy(FIRST_BYTE_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(http.bytes).isEmpty();
        assertThat(rtmp.bytes).isEmpty();
    }

    @Test
    void theFirstByteTimeoutEndsWithTheSniffer() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.copiedBuffer("G", StandardCharsets.US_ASCII));

        channel.advanceTimeBy(1, TimeUnit.HOURS); // the HTTP pipeline's own deadlines apply from here
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void rtmpVersionByteGoesToTheRtmpPipelineUnconsumed() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x03, 0x00, 0x01}));

        assertThat(rtmp.bytes).containsExactly((byte) 0x03, (byte) 0x00, (byte) 0x01);
        assertThat(http.bytes).isEmpty();
        assertThat(channel.pipeline().get(ProtocolSniffer.class)).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void httpMethodGoesToTheHttpPipelineAndLaterBytesFollow() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.copiedBuffer("GE", StandardCharsets.US_ASCII));
        channel.writeInbound(Unpooled.copiedBuffer("T /", StandardCharsets.US_ASCII));

        StringBuilder seen = new StringBuilder();
        http.bytes.forEach(b -> seen.append((char) b.byteValue()));
        assertThat(seen.toString()).isEqualTo("GET /");
        assertThat(rtmp.bytes).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anythingElseIsClosedWithoutInstallingAPipeline() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01}));

        assertThat(channel.isActive()).isFalse();
        assertThat(http.bytes).isEmpty();
        assertThat(rtmp.bytes).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void emptyReadWaitsForTheFirstByte() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.EMPTY_BUFFER);

        assertThat(channel.pipeline().get(ProtocolSniffer.class)).isNotNull();
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.finish()).isFalse();
    }
}
