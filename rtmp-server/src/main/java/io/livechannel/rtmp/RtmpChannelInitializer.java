package io.livechannel.rtmp;

import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.ChunkEncoder;
import io.livechannel.rtmp.chunk.UnadmittedMemory;
import io.livechannel.rtmp.handshake.HandshakeDecoder;
import io.livechannel.rtmp.message.MessageEncoder;
import io.livechannel.rtmp.session.ReadBatching;
import io.livechannel.rtmp.session.RefusalLog;
import io.livechannel.rtmp.session.SessionHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Assembles the RTMP pipeline of one connection, one layer per handler:
 * <pre>
 * rtmp-read-timeout   ReadTimeoutHandler (RtmpLimits.readIdleTimeout)
 * rtmp-handshake      HandshakeDecoder   (removes itself after C2)
 * rtmp-chunk-decoder  ChunkDecoder       bytes → RawMessage
 * rtmp-chunk-encoder  ChunkEncoder       RawMessage → bytes
 * rtmp-message-encoder MessageEncoder    RtmpMessage → RawMessage
 * rtmp-session        SessionHandler     RawMessage: audio/video → MediaSink, the rest via MessageReader
 * </pre>
 * While a publish lasts, {@code rtmp-read-batching} ({@link ReadBatching}) sits just before the session: it
 * counts what each read brings (from the chunk decoder's {@code ReadProgress} events) and sets the socket's
 * receive low-water mark from it. Until a publish is admitted, every connection's chunk decoder draws on one
 * server-wide {@link UnadmittedMemory}, and the session closes it after {@code RtmpLimits.admissionTimeout}.
 * There is no message decoder handler on the inbound side: the session takes audio and video payloads straight
 * from the {@code RawMessage} (one pipeline hop and the typed message objects less per media message) and reads
 * the rare other types with a {@link io.livechannel.rtmp.message.MessageReader}.
 * Used on the RTMP port (from a {@code ChannelInitializer}) and on the HTTP port after the protocol sniffer saw
 * byte 0x03: the handlers work when added to an already active channel, and bytes the sniffer buffered flow into
 * the handshake decoder when it removes itself.
 *
 * <p>Threading: {@link #addHandlers} may be called from any thread; one instance serves every connection.
 */
public final class RtmpChannelInitializer {
    private final RtmpConfig config;
    private final ReadBatching readBatching;
    private final UnadmittedMemory unadmitted;
    private final RefusalLog refusals = new RefusalLog();
    private final AtomicLong connections = new AtomicLong();

    public RtmpChannelInitializer(RtmpConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.readBatching = new ReadBatching(config.limits().readBatchHold());
        this.unadmitted = new UnadmittedMemory(config.limits().maxBytesBeforeAdmissionTotal());
    }

    /** What the connections not yet admitted to publish hold together now. */
    public long unadmittedBytes() {
        return unadmitted.heldBytes();
    }

    /** Whether publishing connections get fewer, larger reads (see {@link ReadBatching}) where the transport allows. */
    public boolean readBatchingEnabled() {
        return readBatching.enabled();
    }

    /** Appends the RTMP handlers to the end of {@code pipeline}. */
    public void addHandlers(ChannelPipeline pipeline) {
        RtmpLimits limits = config.limits();
        String id = Long.toHexString(connections.incrementAndGet());
        pipeline.addLast("rtmp-read-timeout",
                new ReadTimeoutHandler(limits.readIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        pipeline.addLast("rtmp-handshake", new HandshakeDecoder(limits.handshakeTimeout(), ThreadLocalRandom.current()));
        pipeline.addLast("rtmp-chunk-decoder", new ChunkDecoder(limits, unadmitted));
        pipeline.addLast("rtmp-chunk-encoder", new ChunkEncoder());
        pipeline.addLast("rtmp-message-encoder", new MessageEncoder());
        pipeline.addLast("rtmp-session", new SessionHandler(config, id, readBatching, refusals));
    }
}
