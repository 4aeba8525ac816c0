package io.livechannel.server.portsharing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the first byte of a connection on the HTTP port and installs the matching pipeline, then removes
 * itself; the byte is not consumed, so it reaches the new pipeline.
 *
 * <table>
 *   <caption>first byte</caption>
 *   <tr><td>{@code 0x03}</td><td>RTMP C0 (plain RTMP version 3)</td></tr>
 *   <tr><td>{@code 'A'..'Z'}</td><td>an HTTP method</td></tr>
 *   <tr><td>anything else</td><td>closed (RTMPE {@code 0x06} and TLS are not supported)</td></tr>
 * </table>
 * A connection that sends no byte within the first-byte timeout ({@value #DEFAULT_FIRST_BYTE_TIMEOUT_SECONDS} s by
 * default) is closed: until then this is its only handler, and an idle connection holds a file descriptor. Every
 * client this port serves (players, SDKs, encoders) writes as soon as it connects.
 */
public final class ProtocolSniffer extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(ProtocolSniffer.class);
    static final int RTMP_VERSION = 0x03;
    public static final int DEFAULT_FIRST_BYTE_TIMEOUT_SECONDS = 5;

    private final Consumer<ChannelPipeline> httpPipeline;
    private final Consumer<ChannelPipeline> rtmpPipeline;
    private final Duration firstByteTimeout;
    private ScheduledFuture<?> deadline;

    /** Each consumer adds its protocol's handlers to the end of the pipeline it is given. */
    public ProtocolSniffer(Consumer<ChannelPipeline> httpPipeline, Consumer<ChannelPipeline> rtmpPipeline,
                           Duration firstByteTimeout) {
        this.httpPipeline = httpPipeline;
        this.rtmpPipeline = rtmpPipeline;
        this.firstByteTimeout = firstByteTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            log.debug("closing {}: no byte within {} ms", ctx.channel().remoteAddress(), firstByteTimeout.toMillis());
            ctx.close();
        }, firstByteTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        ChannelPipeline pipeline = ctx.pipeline();
        if (first == RTMP_VERSION) {
            rtmpPipeline.accept(pipeline);
        } else if (first >= 'A' && first <= 'Z') {
            httpPipeline.accept(pipeline);
        } else {
            log.debug("closing {}: first byte 0x{} is neither RTMP nor HTTP", ctx.channel().remoteAddress(),
                    Integer.toHexString(first));
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        pipeline.remove(this);
    }
}
