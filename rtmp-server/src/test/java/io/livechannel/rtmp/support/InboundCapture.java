package io.livechannel.rtmp.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends every inbound byte to a file and passes the buffer on unchanged (capturing real encoder sessions). */
final class InboundCapture extends ChannelInboundHandlerAdapter {
    private final Path file;

    InboundCapture(Path file) {
        this.file = file;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            try {
                Files.write(file, ByteBufUtil.getBytes(buf), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
