package io.livechannel.bench.load;

import io.livechannel.bench.rtmpclient.ChunkWriter;
import io.livechannel.bench.rtmpclient.ClientHandshakeHandler;
import io.livechannel.bench.rtmpclient.PrechunkedStream;
import io.livechannel.bench.rtmpclient.ServerReply;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.amf.Amf0Reader;
import io.livechannel.rtmp.amf.Amf0Writer;
import io.livechannel.rtmp.amf.AmfNull;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfObject;
import io.livechannel.rtmp.amf.AmfProperty;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One publishing client, the way OBS talks (RTMP spec §7.2): after the handshake it sends Set Chunk Size, then
 * {@code connect}; on its {@code _result}: {@code releaseStream}, {@code FCPublish}, {@code createStream}; on that
 * result: {@code publish}; on {@code NetStream.Publish.Start} it replays the pre-chunked FLV at real-time pace
 * (message i is due {@code timestamp(i)} ms after the publish started) until the first keyframe due after the
 * run's stop time, then sends {@code deleteStream} and closes. It stops at a keyframe so that every segment the
 * server closed was closed by a keyframe this client sent. Server messages arrive as {@link RawMessage}s from
 * rtmp-server's {@code ChunkDecoder} and commands are read and written with its {@link Amf0Reader} and
 * {@link Amf0Writer}; only the media path is chunked here, from the shared {@link PrechunkedStream}.
 *
 * <p>Pacing: messages are written when due, rounded up to the config's pace tick; while the channel is not writable
 * (server not reading), sending waits; the lag (write time minus due time) is recorded per message. Threading: all
 * methods run on the channel's event loop. Ownership: message slices are retained for the write and released by Netty.
 */
final class Publisher extends ChannelInboundHandlerAdapter {
    private enum State { HANDSHAKING, CONNECTING, CREATING_STREAM, PUBLISH_REQUESTED, PUBLISHING, FINISHED, FAILED }

    private static final int CONTROL_CSID = 2;
    private static final int COMMAND_CSID = 3;
    private static final int STREAM_COMMAND_CSID = 8;
    private static final int TX_CONNECT = 1;
    private static final int TX_CREATE_STREAM = 4;
    private static final int SET_CHUNK_SIZE = 1;
    private static final int USER_CONTROL = 4;
    private static final int COMMAND_AMF0 = 20;
    private static final Amf0Reader AMF = new Amf0Reader(RtmpLimits.DEFAULT_MAX_AMF_DEPTH);
    private static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int PING_REQUEST = 6;
    private static final int PING_RESPONSE = 7;
    /** A publish that has not started after this long counts as {@link FailureReason#SETUP_TIMEOUT}. */
    static final long SETUP_TIMEOUT_SECONDS = 30;

    private final int index;
    private final LoadConfig config;
    private final IntFunction<PrechunkedStream> streams;
    private final LoadStats stats;
    private final long stopAtNanos;
    private final long paceTickNanos;
    private State state = State.HANDSHAKING;
    private PrechunkedStream stream;
    private long startNanos;
    private int next;
    private int keyframeOrdinal;
    private ScheduledFuture<?> timer;
    private int outChunkSize = DEFAULT_CHUNK_SIZE;

    Publisher(int index, LoadConfig config, IntFunction<PrechunkedStream> streams, LoadStats stats,
            long stopAtNanos) {
        this.index = index;
        this.config = config;
        this.streams = streams;
        this.stats = stats;
        this.stopAtNanos = stopAtNanos;
        this.paceTickNanos = config.paceTick().toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            if (state.compareTo(State.PUBLISHING) < 0) {
                fail(ctx, FailureReason.SETUP_TIMEOUT);
            }
        }, SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeHandler.Completed.INSTANCE) {
            writeMessage(ctx, CONTROL_CSID, SET_CHUNK_SIZE, 0, ctx.alloc().buffer(4).writeInt(config.chunkSize()));
            outChunkSize = config.chunkSize();
            AmfObject props = AmfObject.of(new AmfProperty("app", new AmfString(config.app())),
                    new AmfProperty("type", new AmfString("nonprivate")),
                    new AmfProperty("flashVer", new AmfString("FMLE/3.0 (compatible; FMSc/1.0)")),
                    new AmfProperty("tcUrl", new AmfString(config.tcUrl())));
            sendCommand(ctx, COMMAND_CSID, 0, "connect", TX_CONNECT, props);
            state = State.CONNECTING;
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        RawMessage m = (RawMessage) msg;
        try {
            if (m.typeId() == COMMAND_AMF0) {
                onCommand(ctx, ServerReply.of(AMF.readAll(m.content())));
            } else if (m.typeId() == USER_CONTROL && m.content().readableBytes() >= 6
                    && m.content().getUnsignedShort(m.content().readerIndex()) == PING_REQUEST) {
                ByteBuf pong = ctx.alloc().buffer(6).writeShort(PING_RESPONSE)
                        .writeInt(m.content().getInt(m.content().readerIndex() + 2));
                writeMessage(ctx, CONTROL_CSID, USER_CONTROL, 0, pong);
                ctx.flush();
            }
        } finally {
            m.release();
        }
    }

    private void onCommand(ChannelHandlerContext ctx, ServerReply r) {
        boolean error = "_error".equals(r.name());
        switch (state) {
            case CONNECTING -> {
                if (r.transactionId() == TX_CONNECT) {
                    if (error) {
                        fail(ctx, FailureReason.CONNECT_REJECTED);
                        return;
                    }
                    String name = config.streamName(index);
                    sendCommand(ctx, COMMAND_CSID, 0, "releaseStream", 2, AmfNull.INSTANCE, new AmfString(name));
                    sendCommand(ctx, COMMAND_CSID, 0, "FCPublish", 3, AmfNull.INSTANCE, new AmfString(name));
                    sendCommand(ctx, COMMAND_CSID, 0, "createStream", TX_CREATE_STREAM, AmfNull.INSTANCE);
                    state = State.CREATING_STREAM;
                }
            }
            case CREATING_STREAM -> {
                if (r.transactionId() == TX_CREATE_STREAM) {
                    if (error || Double.isNaN(r.resultNumber())) {
                        fail(ctx, FailureReason.CREATE_STREAM_REJECTED);
                        return;
                    }
                    stream = streams.apply((int) r.resultNumber());
                    sendCommand(ctx, STREAM_COMMAND_CSID, stream.messageStreamId(), "publish", 5, AmfNull.INSTANCE,
                            new AmfString(config.streamName(index)), new AmfString("live"));
                    state = State.PUBLISH_REQUESTED;
                }
            }
            case PUBLISH_REQUESTED -> onPublishStatus(ctx, r);
            case PUBLISHING -> {
                if ("onStatus".equals(r.name()) && r.statusCode().contains("Error")) {
                    fail(ctx, FailureReason.CLOSED_WHILE_PUBLISHING);
                }
            }
            default -> { }
        }
    }

    private void onPublishStatus(ChannelHandlerContext ctx, ServerReply r) {
        if (!"onStatus".equals(r.name()) && !"_error".equals(r.name())) {
            return;
        }
        if ("NetStream.Publish.Start".equals(r.statusCode())) {
            state = State.PUBLISHING;
            timer.cancel(false);
            startNanos = System.nanoTime();
            stats.accepted(index, startNanos);
            pump(ctx);
        } else {
            fail(ctx, FailureReason.PUBLISH_REJECTED);
        }
    }

    /** Writes every message that is due, then sleeps until the next one or until the channel is writable. */
    private void pump(ChannelHandlerContext ctx) {
        if (state != State.PUBLISHING) {
            return;
        }
        long now = System.nanoTime();
        boolean wrote = false;
        while (next < stream.messageCount()) {
            long due = startNanos + stream.timestampMillis(next) * 1_000_000L;
            if (stream.isKeyframe(next) && due >= stopAtNanos) {
                finish(ctx);
                return;
            }
            if (due > now) {
                break;
            }
            if (!ctx.channel().isWritable()) {
                break;
            }
            writeDue(ctx, now - due);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (next >= stream.messageCount()) {
            finish(ctx);
        } else if (ctx.channel().isWritable()) {
            long due = startNanos + stream.timestampMillis(next) * 1_000_000L;
            timer = ctx.executor().schedule(() -> pump(ctx),
                    Math.max(0, onTick(due, paceTickNanos) - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The first multiple of {@code tickNanos} at or after {@code due} (both on the {@code System.nanoTime()} scale,
     * which may be negative): the wakeup this publisher shares with the others of its event loop; {@code due} itself
     * when the tick is 0.
     */
    static long onTick(long due, long tickNanos) {
        return tickNanos == 0 ? due : Math.floorDiv(due + tickNanos - 1, tickNanos) * tickNanos;
    }

    private void writeDue(ChannelHandlerContext ctx, long lagNanos) {
        int i = next++;
        stats.wrote(stream.wireLength(i), lagNanos);
        if (stream.isKeyframe(i)) {
            int ordinal = keyframeOrdinal++;
            ctx.write(stream.retainedMessage(i)).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    stats.keyframeSent(index, ordinal, System.nanoTime());
                }
            });
        } else {
            ctx.write(stream.retainedMessage(i), ctx.voidPromise());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && state == State.PUBLISHING) {
            if (timer != null) {
                timer.cancel(false);
            }
            pump(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void finish(ChannelHandlerContext ctx) {
        state = State.FINISHED;
        stats.publisherCompleted();
        sendCommand(ctx, STREAM_COMMAND_CSID, 0, "FCUnpublish", 6, AmfNull.INSTANCE,
                new AmfString(config.streamName(index)));
        sendCommand(ctx, COMMAND_CSID, 0, "deleteStream", 7, AmfNull.INSTANCE,
                new AmfNumber(stream.messageStreamId()));
        ctx.channel().eventLoop().execute(() -> {
            var outbound = ctx.channel().unsafe().outboundBuffer();
            if (outbound != null) {
                stats.unsent(outbound.totalPendingWriteBytes());
            }
            ctx.close();
        });
    }

    private void fail(ChannelHandlerContext ctx, FailureReason reason) {
        if (state == State.FAILED || state == State.FINISHED) {
            return;
        }
        state = State.FAILED;
        stats.failed(reason);
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        switch (state) {
            case HANDSHAKING, CONNECTING -> fail(ctx, FailureReason.CONNECT_REJECTED);
            case CREATING_STREAM -> fail(ctx, FailureReason.CREATE_STREAM_REJECTED);
            case PUBLISH_REQUESTED -> fail(ctx, FailureReason.PUBLISH_REJECTED);
            case PUBLISHING -> fail(ctx, FailureReason.CLOSED_WHILE_PUBLISHING);
            default -> { }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause instanceof DecoderException || cause instanceof RtmpProtocolException
                || cause instanceof IllegalArgumentException ? FailureReason.PROTOCOL_ERROR
                : state == State.PUBLISHING ? FailureReason.CLOSED_WHILE_PUBLISHING : FailureReason.CONNECT_REJECTED);
    }

    private void sendCommand(ChannelHandlerContext ctx, int csid, int streamId, String name, int tx,
            AmfValue... args) {
        List<AmfValue> values = new ArrayList<>(2 + args.length);
        values.add(new AmfString(name));
        values.add(new AmfNumber(tx));
        values.addAll(List.of(args));
        ByteBuf body = ctx.alloc().buffer(128);
        Amf0Writer.writeAll(values, body);
        writeMessage(ctx, csid, COMMAND_AMF0, streamId, body);
        ctx.flush();
    }

    /** Chunks {@code body} (released here) and writes it; commands are small, so one copy is fine. */
    private void writeMessage(ChannelHandlerContext ctx, int csid, int typeId, int streamId, ByteBuf body) {
        try {
            ChunkWriter w = new ChunkWriter(outChunkSize);
            ByteBuf out = ctx.alloc().buffer(w.encodedLength(body.readableBytes(), 0));
            w.write(out, new ChunkWriter.MessageHeader(csid, 0, typeId, streamId), body, body.readerIndex(),
                    body.readableBytes());
            ctx.write(out);
        } finally {
            body.release();
        }
    }
}
