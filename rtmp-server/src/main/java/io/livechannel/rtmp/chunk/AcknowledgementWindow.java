package io.livechannel.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Counts bytes received and sends an Acknowledgement (RTMP spec §5.4.3, type 3) each time the peer's Window
 * Acknowledgement Size has been received since the last one. The message goes through the whole pipeline
 * (as a {@link RawMessage} on chunk stream 2) so the chunk encoder frames it.
 */
final class AcknowledgementWindow {
    private long windowSize;
    private long received;
    private long lastAcknowledged;

    void windowSize(long bytes) {
        windowSize = bytes;
    }

    void received(ChannelHandlerContext ctx, int bytes) {
        received += bytes;
        if (windowSize > 0 && received - lastAcknowledged >= windowSize) {
            lastAcknowledged = received;
            ByteBuf payload = ctx.alloc().buffer(4, 4).writeInt((int) received);
            ctx.channel().writeAndFlush(new RawMessage(2, 0, 3, 0, payload), ctx.channel().voidPromise());
        }
    }
}
