package io.livechannel.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;

/** Adds the RTMP handlers to a connection's pipeline (RTMP port, or HTTP port after sniffing). */
public final class RtmpChannelInitializer {
    /** Appends the RTMP handlers to {@code pipeline}. */
    public void addHandlers(ChannelPipeline pipeline) {
        pipeline.addLast("rtmp-timeout", new ReadTimeoutHandler(10));
        pipeline.addLast("rtmp-discard", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
            }
        });
    }
}
