package io.livechannel.rtmp.handshake;

import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.RtmpProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the RTMP handshake (RTMP spec §5.2): reads C0+C1, answers S0+S1+S2, reads C2, then removes
 * itself; bytes after C2 flow on to the chunk decoder unconsumed.
 *
 * <p>C1 with a zero version field (bytes 4-7) gets the simple handshake (S2 echoes C1). A C1 with a version and a
 * valid client digest ({@link HandshakeDigest}) gets the digest handshake; a version without a valid digest falls
 * back to simple, as nginx-rtmp and SRS do. C2 is not checked: FFmpeg, OBS and librtmp send different things.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><td>handshake timeout</td><td>{@code RtmpLimits.handshakeTimeout} (10 s): the connection is closed if C2
 *       has not arrived by then, counted from when the handler was added to an active channel</td></tr>
 *   <tr><td>C0</td><td>must be 3; 6 (RTMPE) and anything else is {@link Reason#BAD_HANDSHAKE}</td></tr>
 * </table>
 *
 * <p>Threading: one instance per connection, on its event loop. Closes the connection itself only on the timeout.
 */
public final class HandshakeDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(HandshakeDecoder.class);
    static final int RTMP_VERSION = 3;
    /** S1's version field, as nginx-rtmp sends it; non-zero tells the client we did the digest handshake. */
    private static final byte[] SERVER_VERSION = {0x0D, 0x0E, 0x0A, 0x0D};

    private enum State { READ_C0C1, READ_C2, DISCARD }

    private final Duration timeout;
    private final Random random;
    private State state = State.READ_C0C1;
    private ScheduledFuture<?> timeoutTask;

    /**
     * @param timeout the whole handshake must complete within this
     * @param random fills S1 and S2 (not security relevant; tests pass a seeded one)
     */
    public HandshakeDecoder(Duration timeout, Random random) {
        this.timeout = timeout;
        this.random = random;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            scheduleTimeout(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        scheduleTimeout(ctx);
        super.channelActive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_C0C1 -> state = readC0C1(ctx, in);
            case READ_C2 -> state = readC2(ctx, in);
            case DISCARD -> in.skipBytes(in.readableBytes());
        }
    }

    /*
     *  C0         C1 (1536 bytes)
     * +---------+----------+----------+----------------------+
     * | version | time(4)  | zero /   | random (1528)        |
     * |  (=3)   |          | version  |  [digest somewhere]  |
     * +---------+----------+----------+----------------------+
     */
    private State readC0C1(ChannelHandlerContext ctx, ByteBuf in) {
        if (!in.isReadable()) {
            return State.READ_C0C1;
        }
        int version = in.getUnsignedByte(in.readerIndex());
        if (version != RTMP_VERSION) {
            in.skipBytes(in.readableBytes());
            state = State.DISCARD;
            throw new RtmpProtocolException(Reason.BAD_HANDSHAKE,
                    "C0 version " + version + " is not RTMP version 3 (RTMPE and others are not supported)");
        }
        if (in.readableBytes() < 1 + HandshakeDigest.BLOCK_LENGTH) {
            return State.READ_C0C1;
        }
        in.skipBytes(1);
        byte[] c1 = new byte[HandshakeDigest.BLOCK_LENGTH];
        in.readBytes(c1);
        ByteBuf response = ctx.alloc().buffer(1 + 2 * HandshakeDigest.BLOCK_LENGTH);
        response.writeByte(RTMP_VERSION);
        response.writeBytes(HandshakeResponse.s1s2(c1, random));
        ctx.writeAndFlush(response);
        return State.READ_C2;
    }

    private State readC2(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < HandshakeDigest.BLOCK_LENGTH) {
            return State.READ_C2;
        }
        in.skipBytes(HandshakeDigest.BLOCK_LENGTH);
        ctx.pipeline().remove(this);
        return State.DISCARD;
    }

    private void scheduleTimeout(ChannelHandlerContext ctx) {
        if (timeoutTask != null || state == State.DISCARD) {
            return;
        }
        timeoutTask = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                log.info("rtmp peer={} closed: handshake not completed within {} ms", ctx.channel().remoteAddress(),
                        timeout.toMillis());
                state = State.DISCARD;
                ctx.close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** S1 and S2 for a C1, simple or digest (package-private for tests). */
    static final class HandshakeResponse {
        private HandshakeResponse() {
        }

        static byte[] s1s2(byte[] c1, Random random) {
            byte[] s1 = new byte[HandshakeDigest.BLOCK_LENGTH];
            random.nextBytes(s1);
            Arrays.fill(s1, 0, 4, (byte) 0); // time
            boolean clientHasVersion = c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0;
            int clientDigestOffset = clientHasVersion ? HandshakeDigest.findDigest(c1, HandshakeDigest.CLIENT_KEY) : -1;
            byte[] s2;
            if (clientDigestOffset < 0) {
                Arrays.fill(s1, 4, 8, (byte) 0);
                s2 = c1.clone();
            } else {
                System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
                HandshakeDigest.writeDigest(s1, HandshakeDigest.SERVER_KEY);
                s2 = new byte[HandshakeDigest.BLOCK_LENGTH];
                random.nextBytes(s2);
                HandshakeDigest.signS2(s2, Arrays.copyOfRange(c1, clientDigestOffset,
                        clientDigestOffset + HandshakeDigest.DIGEST_LENGTH));
            }
            byte[] both = Arrays.copyOf(s1, 2 * HandshakeDigest.BLOCK_LENGTH);
            System.arraycopy(s2, 0, both, HandshakeDigest.BLOCK_LENGTH, HandshakeDigest.BLOCK_LENGTH);
            return both;
        }
    }
}
