package io.livechannel.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Counts bytes received and sends an Acknowledgement (RTMP spec §5.4.3, type 3) each time the peer's Window
 * Acknowledgement Size has been received since the last one. The message goes through the whole pipeline
 * (as a {@link RawMessage} on chunk stream 2) so the chunk encoder frames it.
 *
 * <p>Bounded: a window below {@link #MIN_WINDOW_BYTES} counts as that minimum, and no acknowledgement is queued
 * while the connection is not writable, so a peer that asks for tiny windows and never reads cannot make the
 * server queue a 16-byte write for every byte it sends. Encoders ask for 2,500,000 (FFmpeg, OBS).
 */
final class AcknowledgementWindow {
    static final long MIN_WINDOW_BYTES = 4096;

    private long windowSize;
    private long received;
    private long lastAcknowledged;

    void windowSize(long bytes) {
        windowSize = bytes == 0 ? 0 : Math.max(bytes, MIN_WINDOW_BYTES);
    }

    void received(ChannelHandlerContext ctx, int bytes) {
        received += bytes;
        if (windowSize > 0 && received - lastAcknowledged >= windowSize && ctx.channel().isWritable()) {
            lastAcknowledged = received;
            ByteBuf payload = ctx.alloc().buffer(4, 4).writeInt((int) received);
            ctx.channel().writeAndFlush(new RawMessage(2, 0, MessageType.ACKNOWLEDGEMENT.id(), 0, payload),
                    ctx.channel().voidPromise());
        }
    }
}
