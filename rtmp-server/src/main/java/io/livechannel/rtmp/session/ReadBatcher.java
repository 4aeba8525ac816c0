package io.livechannel.rtmp.session;

import io.livechannel.flv.FrameType;
import io.livechannel.rtmp.chunk.MessageType;
import io.livechannel.rtmp.chunk.RawMessage;
import io.livechannel.rtmp.chunk.ReadProgress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ReadBatching} of one publishing connection, behind the chunk decoder while the publish lasts: counts
 * the bytes each read brings (from the decoder's {@link ReadProgress} events) and, on its loop's tick, sets the
 * socket's receive low-water mark from them. It reads FLV video tags' frame type from the messages it passes on
 * untouched (the size of the last keyframe) and from the progress events (a keyframe under way); the chunk layer
 * knows nothing of keyframes.
 *
 * <p>Threading: everything runs on the channel's event loop.
 */
final class ReadBatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ReadBatcher.class);

    private final ReadBatching batching;
    private ChannelHandlerContext ctx;
    private long windowStartNanos;
    private long windowBytes;
    /** Reads since the previous tick. */
    private int readsSinceTick;
    /** Ticks in a row without a read; {@link ReadBatching#idleTicks()} of them mean the publisher slowed or stopped. */
    private int idleTicks;
    /** The mark the publisher's rate asks for. */
    private int rateMark = 1;
    /**
     * The mark the socket has now; 1 is the kernel's default (any byte wakes the reader). Below {@link #rateMark}
     * while a keyframe is under way and fewer bytes than that are missing from it.
     */
    private int mark = 1;
    /** The payload size of the last complete video keyframe, 0 before the first. */
    private int lastKeyframeBytes;
    /** For the debug line at the end: how well the batching did. */
    private long reads;
    private long bytes;
    private int quietDrops;
    private int keyframeLowerings;

    ReadBatcher(ReadBatching batching) {
        this.batching = batching;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        windowStartNanos = batching.nanoTime();
        batching.register(this, ctx.executor());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        batching.unregister(this, ctx.executor());
        log.debug("{}: {} reads of {} bytes on average while publishing; mark dropped {} times for a quiet publisher, "
                + "lowered {} times for a keyframe's end", ctx.channel(), reads, reads == 0 ? 0 : bytes / reads,
                quietDrops, keyframeLowerings);
        if (mark != 1 && ctx.channel().isOpen()) {
            trySetMark(1); // the connection may go on with commands that each want an answer
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RawMessage m && m.type() == MessageType.VIDEO && isKeyframe(m.content())) {
            lastKeyframeBytes = m.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ReadProgress progress) {
            windowBytes += progress.bytesRead();
            bytes += progress.bytesRead();
            readsSinceTick++;
            reads++;
            if (rateMark > 1) {
                followKeyframe(progress);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Whether a video payload starts a keyframe: frame type 1 in the high nibble's low 3 bits of its first byte, in
     * the legacy FLV video tag (E.4.3.1) and in Enhanced RTMP alike.
     */
    private static boolean isKeyframe(int firstByte) {
        return firstByte >= 0 && FrameType.of((firstByte >> 4) & 0x7) == FrameType.KEY;
    }

    private static boolean isKeyframe(ByteBuf payload) {
        return payload.isReadable() && isKeyframe(payload.getUnsignedByte(payload.readerIndex()));
    }

    /**
     * Lowers the mark to what a keyframe under way still misses, when that is less than the mark, and restores it
     * once the keyframe is complete: over a real network a keyframe arrives in many TCP segments, and its last
     * bytes would otherwise wait for the next messages to fill the mark. Two system calls per keyframe.
     */
    private void followKeyframe(ReadProgress progress) {
        boolean keyframeUnderWay = progress.incompleteTypeId() == MessageType.VIDEO.id()
                && isKeyframe(progress.incompleteFirstByte());
        int missing = keyframeUnderWay ? progress.incompleteBytesMissing() : 0;
        int wanted = missing > 0 && missing < rateMark ? missing : rateMark;
        if (wanted != mark) {
            if (wanted < rateMark && mark == rateMark) {
                keyframeLowerings++;
            }
            setMarkOrStop(wanted);
        }
    }

    /** Called by the loop's tick every {@link ReadBatching#TICK_NANOS}. */
    void tick(long nowNanos) {
        idleTicks = readsSinceTick == 0 ? idleTicks + 1 : 0;
        readsSinceTick = 0;
        if (idleTicks >= batching.idleTicks() && mark != 1) {
            quietDrops++;
            rateMark = 1;
            setMarkOrStop(1); // the kernel now reports whatever it holds
            return;
        }
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed < ReadBatching.WINDOW_NANOS) {
            return;
        }
        int cap = ReadBatching.capFor(lastKeyframeBytes);
        int next = ReadBatching.markFor(windowBytes, elapsed, batching.holdNanos(), cap);
        windowStartNanos = nowNanos;
        windowBytes = 0;
        if (ReadBatching.worthChanging(rateMark, next)) {
            boolean followingRate = mark == rateMark; // else a keyframe's end is awaited: the next read restores
            rateMark = next;
            if (followingRate) {
                setMarkOrStop(next);
            }
        }
    }

    int mark() {
        return mark;
    }

    private void setMarkOrStop(int value) {
        if (!trySetMark(value)) {
            ctx.pipeline().remove(this); // NIO, an embedded channel, or a kernel that refused: read as before
        }
    }

    private boolean trySetMark(int value) {
        try {
            if (ctx.channel().config().setOption(ReadBatching.SO_RCVLOWAT, value)) {
                mark = value;
                return true;
            }
            log.debug("{}: the transport has no SO_RCVLOWAT", ctx.channel());
        } catch (ChannelException e) {
            log.debug("{}: cannot set SO_RCVLOWAT to {}", ctx.channel(), value, e);
        }
        return false;
    }
}
