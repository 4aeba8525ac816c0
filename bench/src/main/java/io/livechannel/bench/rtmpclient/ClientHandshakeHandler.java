package io.livechannel.bench.rtmpclient;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client half of the simple handshake (RTMP spec §5.2): sends C0+C1 when the channel becomes active, waits
 * for S0+S1+S2, answers C2 (an echo of S1), then removes itself so the bytes that follow reach the chunk decoder.
 * Fires {@link Completed#INSTANCE} as a user event once C2 is written.
 *
 * <pre>
 * C0/S0: version u8 (3)     C1/S1: time u32 | zero u32 | 1528 random bytes     C2/S2: echo of S1/C1
 * </pre>
 */
public final class ClientHandshakeHandler extends ByteToMessageDecoder {
    private static final int RTMP_VERSION = 3;
    private static final int PACKET_BYTES = 1536;

    /** User event: the handshake is done and commands may be sent. */
    public enum Completed { INSTANCE }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf c0c1 = ctx.alloc().buffer(1 + PACKET_BYTES);
        c0c1.writeByte(RTMP_VERSION).writeInt(0).writeInt(0);
        byte[] random = new byte[PACKET_BYTES - 8];
        ThreadLocalRandom.current().nextBytes(random);
        c0c1.writeBytes(random);
        ctx.writeAndFlush(c0c1);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1 + 2 * PACKET_BYTES) {
            return;
        }
        int version = in.readUnsignedByte();
        if (version != RTMP_VERSION) {
            throw new DecoderException("server answered RTMP version " + version + ", expected " + RTMP_VERSION);
        }
        ctx.writeAndFlush(in.readRetainedSlice(PACKET_BYTES));
        in.skipBytes(PACKET_BYTES);
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(Completed.INSTANCE);
    }
}
