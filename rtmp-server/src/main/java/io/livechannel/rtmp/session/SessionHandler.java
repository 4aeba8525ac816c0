package io.livechannel.rtmp.session;

import io.livechannel.rtmp.EndReason;
import io.livechannel.rtmp.MediaSink;
import io.livechannel.rtmp.PushDecision;
import io.livechannel.rtmp.PushRequest;
import io.livechannel.rtmp.PublishSessionInfo;
import io.livechannel.rtmp.RtmpConfig;
import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.amf.AmfNull;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.chunk.MessageType;
import io.livechannel.rtmp.chunk.PublishAdmitted;
import io.livechannel.rtmp.chunk.RawMessage;
import io.livechannel.rtmp.command.Command;
import io.livechannel.rtmp.command.CommandParser;
import io.livechannel.rtmp.command.Replies;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.message.CommandMessage;
import io.livechannel.rtmp.message.DataMessage;
import io.livechannel.rtmp.message.MediaMessage;
import io.livechannel.rtmp.message.MessageReader;
import io.livechannel.rtmp.message.SetChunkSize;
import io.livechannel.rtmp.message.SetPeerBandwidth;
import io.livechannel.rtmp.message.UserControl;
import io.livechannel.rtmp.message.UserControlEventType;
import io.livechannel.rtmp.message.WindowAcknowledgementSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish flow of one connection, as FFmpeg, OBS and GStreamer drive it:
 * <ol>
 *   <li>{@code connect} → Window Acknowledgement Size, Set Peer Bandwidth, Set Chunk Size 4096,
 *       {@code _result} NetConnection.Connect.Success (or {@code _error} if the app is not a push app);</li>
 *   <li>{@code releaseStream}, {@code FCPublish}, {@code createStream} → {@code _result} (stream id 1);</li>
 *   <li>{@code publish} → stop reading, ask the {@link io.livechannel.rtmp.PushAuthorizer}, claim the channel in
 *       the {@link PublisherRegistry}, then Stream Begin + {@code onStatus} NetStream.Publish.Start and the
 *       {@link io.livechannel.rtmp.PublishListener}, and a {@link ReadBatcher} just in front of this handler where
 *       the transport can set {@code SO_RCVLOWAT}; a refusal is an {@code onStatus} error, then close;</li>
 *   <li>audio, video, {@code @setDataFrame}/{@code onMetaData} → the {@link MediaSink};</li>
 *   <li>{@code FCUnpublish}, {@code deleteStream}, {@code closeStream} → end of publish and of read
 *       batching.</li>
 * </ol>
 * Protocol errors, read timeouts and connection loss end the publish with the matching {@link EndReason} and
 * close the connection, with one log line. A connection with no admitted publish
 * {@code RtmpLimits.admissionTimeout} after it started (or after its last publish ended) is closed, with an
 * {@code onStatus} error if it got as far as {@code connect}; such closes and the before-admission memory limits
 * are logged through the {@link RefusalLog}. On admission the session fires {@link PublishAdmitted} from the
 * pipeline's head, so the chunk layer moves to its publishing limits.
 *
 * <p>Input: the chunk layer's {@link RawMessage}s (the pipeline has no message decoder in between). Audio and
 * video, nearly all of the traffic, go from the raw message's payload to the {@link MediaSink} without a typed
 * copy or another pipeline hop; every other type (and the sub-messages of an aggregate) is read by a
 * {@link MessageReader} first.
 *
 * <p>Ownership: releases every message it reads (media held while authorizing is released on replay or close).
 * Threading: one instance per connection, on its event loop; authorizer results and kicks hop back onto that loop
 * before touching state.
 *
 * <p>Over the 300-line norm: the five states share this connection's fields, and the per-publish part already
 * lives in {@code PublishSession}.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    /** Our acknowledgement window and the peer's bandwidth: the values MediaMTX uses. */
    static final long WINDOW_ACKNOWLEDGEMENT_SIZE = 2_500_000;
    /** Our outbound chunk size (nginx-rtmp's default); fewer chunk headers for the rare large command. */
    static final int OUTBOUND_CHUNK_SIZE = 4096;
    /** How long a refused or kicked connection stays open (input discarded) so the encoder reads the reason. */
    static final long REFUSAL_LINGER_MILLIS = 500;
    /** The one message stream id we hand out in createStream. */
    static final int PUBLISH_STREAM_ID = 1;
    /** The pipeline name of the {@link ReadBatcher} while publishing. */
    static final String READ_BATCHING = "rtmp-read-batching";

    private enum State { AWAITING_CONNECT, CONNECTED, AUTHORIZING, PUBLISHING, CLOSED }

    private final RtmpConfig config;
    private final String connectionId;
    private State state = State.AWAITING_CONNECT;
    private Command.Connect connect;
    private PublishSession publish;
    private String logId;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private long heldBytes;
    private final MessageReader reader;
    private final ReadBatching readBatching;
    private final RefusalLog refusals;
    /** In front of this handler while publishing, when the transport allows; null otherwise. */
    private ChannelHandler readBatcher;
    /** Closes the connection if no publish is admitted in time; null while publishing. */
    private ScheduledFuture<?> admissionDeadline;

    /**
     * @param connectionId short id for log lines, unique per server run
     * @param readBatching the server's read batching, applied while this connection publishes
     * @param refusals the server's log of connections closed before admission
     */
    public SessionHandler(RtmpConfig config, String connectionId, ReadBatching readBatching, RefusalLog refusals) {
        this.config = config;
        this.connectionId = connectionId;
        this.readBatching = readBatching;
        this.refusals = refusals;
        this.reader = new MessageReader(config.limits().maxAmfDepth());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        logId = "rtmp#" + connectionId + " peer=" + address(ctx.channel().remoteAddress());
        armAdmissionDeadline(ctx);
    }

    private void armAdmissionDeadline(ChannelHandlerContext ctx) {
        long millis = config.limits().admissionTimeout().toMillis();
        admissionDeadline = ctx.executor().schedule(() -> onAdmissionTimeout(ctx, millis), millis,
                TimeUnit.MILLISECONDS);
    }

    private void cancelAdmissionDeadline() {
        if (admissionDeadline != null) {
            admissionDeadline.cancel(false);
            admissionDeadline = null;
        }
    }

    private void onAdmissionTimeout(ChannelHandlerContext ctx, long millis) {
        admissionDeadline = null;
        if (state == State.PUBLISHING || state == State.CLOSED) {
            return;
        }
        String why = "no publish admitted within " + millis + " ms";
        refusals.closed(logId, why);
        if (state == State.AWAITING_CONNECT) {
            state = State.CLOSED; // perhaps still in the handshake: nothing the peer could read
            releaseHeld();
            ctx.close();
        } else {
            refuseAndClose(ctx, StatusCode.PUBLISH_DENIED, why, null);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (publish != null) {
            publish.touch();
        }
        if (state == State.AUTHORIZING && !isCommand(msg)) {
            hold(ctx, msg);
            return;
        }
        try {
            handle(ctx, msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Keeps media that arrives while the authorizer works: reading is already off, so this is at most what the
     * decoders had buffered, but an encoder that does not wait for Publish.Start would otherwise lose its
     * sequence headers. Bounded by {@code maxBytesBeforeAdmission}.
     */
    private void hold(ChannelHandlerContext ctx, Object msg) {
        heldBytes += msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
        held.add(msg);
        if (heldBytes > config.limits().maxBytesBeforeAdmission()) {
            refusals.closed(logId, heldBytes + " bytes of media before NetStream.Publish.Start exceed "
                    + "maxBytesBeforeAdmission " + config.limits().maxBytesBeforeAdmission());
            refuseAndClose(ctx, StatusCode.PUBLISH_DENIED, "too much media before NetStream.Publish.Start", null);
        }
    }

    private void replayHeld(ChannelHandlerContext ctx) {
        for (Object msg; (msg = held.poll()) != null; ) {
            try {
                handle(ctx, msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        heldBytes = 0;
    }

    private void releaseHeld() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
        heldBytes = 0;
    }

    private static boolean isCommand(Object msg) {
        return msg instanceof RawMessage raw
                && (raw.type() == MessageType.COMMAND_AMF0 || raw.type() == MessageType.COMMAND_AMF3);
    }

    /** Handles {@code msg} without releasing it. */
    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RawMessage raw) {
            handleRaw(ctx, raw);
        } else if (msg instanceof MediaMessage media) {
            onMedia(ctx, media.type(), media.timestamp(), media.content());
        } else if (msg instanceof DataMessage data) {
            onData(data);
        } else if (msg instanceof CommandMessage command) {
            onCommand(ctx, CommandParser.parse(command));
        } else if (msg instanceof UserControl control
                && control.eventType() == UserControlEventType.PING_REQUEST) {
            ctx.writeAndFlush(new UserControl(UserControlEventType.PING_RESPONSE, control.value(), 0));
        }
    }

    /** Media straight from the payload; any other type through the {@link MessageReader}. Does not release raw. */
    private void handleRaw(ChannelHandlerContext ctx, RawMessage raw) {
        MessageType type = raw.type();
        if (type == MessageType.VIDEO || type == MessageType.AUDIO) {
            onMedia(ctx, type, raw.timestamp(), raw.content());
        } else {
            reader.read(raw, typed -> {
                try {
                    handle(ctx, typed);
                } finally {
                    ReferenceCountUtil.release(typed);
                }
            });
        }
    }

    private void onMedia(ChannelHandlerContext ctx, MessageType type, long timestamp32, ByteBuf body) {
        if (state != State.PUBLISHING) {
            return;
        }
        if (type == MessageType.AUDIO) {
            publish.onAudio(timestamp32, body);
            return;
        }
        String problem = publish.onVideo(timestamp32, body);
        if (problem != null) {
            refuseAndClose(ctx, StatusCode.PUBLISH_DENIED, problem, EndReason.UNSUPPORTED_MEDIA);
        }
    }

    /** {@code @setDataFrame, onMetaData, {...}} from FFmpeg/OBS, or a bare {@code onMetaData, {...}}. */
    private void onData(DataMessage data) {
        if (state != State.PUBLISHING) {
            return;
        }
        List<AmfValue> v = data.values();
        int i = !v.isEmpty() && v.get(0) instanceof AmfString s && s.value().equals("@setDataFrame") ? 1 : 0;
        if (v.size() > i + 1 && v.get(i) instanceof AmfString name && name.value().equals("onMetaData")) {
            publish.onMetaData(data.timestamp(), v.get(i + 1));
        }
    }

    private void onCommand(ChannelHandlerContext ctx, Command command) {
        // the command's name only: stream names and tcUrls may carry the signed query
        log.debug("{} command {}", logId, command.getClass().getSimpleName());
        if (command instanceof Command.Connect c) {
            onConnect(ctx, c);
        } else if (command instanceof Command.ReleaseStream || command instanceof Command.FcPublish) {
            ctx.writeAndFlush(Replies.result(command.transactionId(), AmfNull.INSTANCE));
        } else if (command instanceof Command.CreateStream) {
            ctx.writeAndFlush(Replies.result(command.transactionId(), new AmfNumber(PUBLISH_STREAM_ID)));
        } else if (command instanceof Command.Publish p) {
            onPublish(ctx, p);
        } else if (command instanceof Command.FcUnpublish || command instanceof Command.DeleteStream
                || command instanceof Command.CloseStream) {
            onUnpublish(ctx);
        }
    }

    private void onConnect(ChannelHandlerContext ctx, Command.Connect c) {
        if (state != State.AWAITING_CONNECT) {
            return;
        }
        if (!PushUrl.isPushApp(c.app())) {
            log.info("{} connect refused: application is not 'live' or '<bucket>/live'", logId);
            state = State.CLOSED;
            ctx.writeAndFlush(Replies.connectRejected(c.transactionId(),
                    "application must be 'live' or '<bucket>/live'")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        connect = c;
        state = State.CONNECTED;
        ctx.write(new WindowAcknowledgementSize(WINDOW_ACKNOWLEDGEMENT_SIZE));
        ctx.write(new SetPeerBandwidth(WINDOW_ACKNOWLEDGEMENT_SIZE, SetPeerBandwidth.LimitType.DYNAMIC));
        ctx.write(new SetChunkSize(OUTBOUND_CHUNK_SIZE));
        ctx.writeAndFlush(Replies.connectSuccess(c.transactionId()));
    }

    private void onPublish(ChannelHandlerContext ctx, Command.Publish p) {
        if (state != State.CONNECTED) {
            refuseAndClose(ctx, StatusCode.PUBLISH_BAD_NAME,
                    state == State.AWAITING_CONNECT ? "publish before connect" : "already publishing", null);
            return;
        }
        PushUrl url;
        try {
            url = PushUrl.parse(connect.app(), connect.tcUrl(), p.publishName(), config.ownHostNames());
        } catch (IllegalArgumentException e) {
            refuseAndClose(ctx, StatusCode.PUBLISH_BAD_NAME, e.getMessage(), null);
            return;
        }
        state = State.AUTHORIZING;
        ctx.channel().config().setAutoRead(false);
        String remote = address(ctx.channel().remoteAddress());
        log.debug("{} authorizing {}", logId, url);
        CompletableFuture<PushDecision> decision;
        try {
            decision = config.authorizer().authorize(new PushRequest(url, connect.tcUrl(), remote)).toCompletableFuture();
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        decision.whenComplete((d, error) -> ctx.executor().execute(() -> onDecision(ctx, url, d, error)));
    }

    private void onDecision(ChannelHandlerContext ctx, PushUrl url, PushDecision decision, Throwable error) {
        if (state != State.AUTHORIZING) {
            return; // connection closed while we waited
        }
        if (error != null || decision == null) {
            log.warn("{} push authorization failed for {}: {}", logId, url, String.valueOf(error));
            refuseAndClose(ctx, StatusCode.PUBLISH_DENIED, "authorization failed (server error)", null);
            return;
        }
        if (decision instanceof PushDecision.Denied denied) {
            log.info("{} publish refused for {}: {} {}", logId, url, denied.code().code(), denied.description());
            refuseAndClose(ctx, denied.code(), denied.description(), null);
            return;
        }
        PushDecision.Allowed allowed = (PushDecision.Allowed) decision;
        String remote = address(ctx.channel().remoteAddress());
        logId = "rtmp#" + connectionId + " ch=" + allowed.bucket() + "/" + allowed.channel() + " peer=" + remote;
        PublishSessionInfo info = new PublishSessionInfo(allowed.bucket(), allowed.channel(), allowed.playlistName(),
                allowed.fragDurationSeconds(), allowed.fragCount(), remote, config.clock().instant(), logId);
        PublishSession session = new PublishSession(info, config.clock(),
                reason -> ctx.executor().execute(() -> onKick(ctx, reason)));
        PublisherRegistry.Claim claim = config.registry().claim(allowed.bucket(), allowed.channel(), session,
                config.clock().millis(), config.limits().idlePublisherTimeout().toMillis());
        if (claim instanceof PublisherRegistry.Claim.Busy busy) {
            log.info("{} publish refused: {}", logId, busy.reason());
            refuseAndClose(ctx, StatusCode.PUBLISH_BAD_NAME, busy.reason(), null);
            return;
        }
        PublisherRegistry.Claim.Granted granted = (PublisherRegistry.Claim.Granted) claim;
        if (granted.replacedLogId() != null) {
            log.warn("{} replaces idle publisher {}", logId, granted.replacedLogId());
        }
        publish = session;
        granted.previousEnded().whenComplete((v, e) -> ctx.executor().execute(() -> startPublish(ctx, session)));
    }

    private void startPublish(ChannelHandlerContext ctx, PublishSession session) {
        if (publish != session || state != State.AUTHORIZING) {
            session.end(EndReason.CONNECTION_LOST);
            release(session);
            return;
        }
        ctx.write(UserControl.streamBegin(PUBLISH_STREAM_ID));
        ctx.writeAndFlush(Replies.onStatus(PUBLISH_STREAM_ID, StatusCode.PUBLISH_START,
                "Start publishing " + session.info().channel()));
        MediaSink sink = config.listener().onPublishStart(session.info());
        session.start(sink);
        state = State.PUBLISHING;
        cancelAdmissionDeadline();
        ctx.pipeline().fireUserEventTriggered(PublishAdmitted.EVENT);
        log.info("{} publish started: playlist {}/{}", logId, session.info().channel(), session.info().playlistName());
        try {
            replayHeld(ctx);
        } catch (RuntimeException e) { // a malformed message held while authorizing: as if it came now
            exceptionCaught(ctx, e);
            return;
        }
        ctx.channel().config().setAutoRead(true);
        readBatcher = readBatching.newHandler(ctx.channel());
        if (readBatcher != null) {
            ctx.pipeline().addBefore(ctx.name(), READ_BATCHING, readBatcher);
        }
    }

    private void stopReadBatching(ChannelHandlerContext ctx) {
        if (readBatcher != null && ctx.pipeline().context(readBatcher) != null) {
            ctx.pipeline().remove(readBatcher);
        }
        readBatcher = null;
    }

    private void onUnpublish(ChannelHandlerContext ctx) {
        if (state != State.PUBLISHING) {
            return;
        }
        endPublish(EndReason.UNPUBLISHED);
        stopReadBatching(ctx);
        state = State.CONNECTED;
        armAdmissionDeadline(ctx);
        ctx.writeAndFlush(Replies.onStatus(PUBLISH_STREAM_ID, StatusCode.UNPUBLISH_SUCCESS, "Stop publishing"));
    }

    private void onKick(ChannelHandlerContext ctx, EndReason reason) {
        if (publish == null || state == State.CLOSED) {
            return;
        }
        String why = switch (reason) {
            case KICKED -> "the channel was disabled or deleted";
            case REPLACED_IDLE -> "replaced by a new publisher after being idle";
            case LEASE_LOST -> "the channel's publish lease was lost (taken over by another node, or not renewed in time)";
            case SERVER_SHUTDOWN -> "the server is shutting down";
            default -> reason.name();
        };
        log.warn("{} disconnected: {}", logId, why);
        refuseAndClose(ctx, StatusCode.PUBLISH_DENIED, why, reason);
    }

    /**
     * Sends an error onStatus, ends any publish with {@code endReason}, half-closes our side and closes the
     * connection {@link #REFUSAL_LINGER_MILLIS} later. FFmpeg reads server messages only between its own writes
     * (one non-blocking read per packet in {@code rtmp_write}); closing at once makes its next write fail with
     * EPIPE before it has read why, so the reason would never reach the user.
     */
    private void refuseAndClose(ChannelHandlerContext ctx, StatusCode code, String description, EndReason endReason) {
        endPublish(endReason == null ? EndReason.PROTOCOL_ERROR : endReason);
        state = State.CLOSED;
        releaseHeld();
        ctx.writeAndFlush(Replies.onStatus(PUBLISH_STREAM_ID, code, description)).addListener(written -> {
            if (written.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
            ctx.executor().schedule(() -> {
                ctx.close();
            }, REFUSAL_LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    private void endPublish(EndReason reason) {
        PublishSession session = publish;
        if (session == null) {
            return;
        }
        publish = null;
        boolean started = session.isStarted();
        try {
            session.end(reason);
        } finally {
            release(session);
        }
        if (started) {
            log.info("{} publish ended: {}", logId, reason);
        }
    }

    private void release(PublishSession session) {
        config.registry().release(session.info().bucket(), session.info().channel(), session);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelAdmissionDeadline();
        endPublish(EndReason.CONNECTION_LOST);
        state = State.CLOSED;
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelAdmissionDeadline();
        releaseHeld();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        EndReason reason;
        if (c instanceof RtmpProtocolException p && p.reason() == RtmpProtocolException.Reason.BEFORE_ADMISSION_LIMIT) {
            refusals.closed(logId, p.getMessage());
            reason = EndReason.PROTOCOL_ERROR;
        } else if (c instanceof RtmpProtocolException p) {
            log.info("{} closed: protocol error {}: {}", logId, p.reason(), p.getMessage());
            reason = EndReason.PROTOCOL_ERROR;
        } else if (c instanceof ReadTimeoutException) {
            log.info("{} closed: nothing received for {} ms", logId, config.limits().readIdleTimeout().toMillis());
            reason = EndReason.CONNECTION_LOST;
        } else if (c instanceof IOException) {
            log.debug("{} closed: {}", logId, c.toString());
            reason = EndReason.CONNECTION_LOST;
        } else {
            log.warn("{} closed after an internal error", logId, c);
            reason = EndReason.INTERNAL_ERROR;
        }
        endPublish(reason);
        state = State.CLOSED;
        releaseHeld();
        ctx.close();
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() + ":" + inet.getPort()
                    : inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
