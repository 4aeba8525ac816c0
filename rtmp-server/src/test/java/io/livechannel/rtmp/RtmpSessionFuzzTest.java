package io.livechannel.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.amf.AmfObject;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.RawMessage;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.message.CommandMessage;
import io.livechannel.rtmp.message.MessageReader;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.rtmp.support.MutableClock;
import io.livechannel.rtmp.support.RecordingSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * The RTMP command state machine on any chunk stream: the whole pipeline of one connection in an
 * {@link EmbeddedChannel}, after the handshake ffmpeg sent, with an authorizer that admits every well-formed push URL
 * so that the input reaches every state (connect, publish, authorizing, publishing with media, metadata and
 * aggregates, unpublish, publish again). Input: the first byte chooses the read size ({@code 1 + 16 * b} bytes), the
 * rest is the chunk stream. Properties, whatever the input:
 * <ul>
 *   <li>no internal error: a failure is a protocol error (an onStatus error, a close), never the session's
 *       "internal error" and never an exception that leaves the pipeline;</li>
 *   <li>what the server writes is RTMP a client reads without error, and it sends NetStream.Publish.Start exactly
 *       once per publish the sink sees start;</li>
 *   <li>31 s after the input ends (admission timeout 15 s, read timeout 30 s) the connection is closed, every
 *       publish has ended for a reason that is not an internal error, no channel is left claimed and the
 *       before-admission memory budget is back to zero; no ByteBuf leaks (paranoid detection).</li>
 * </ul>
 * Corpus: {@code RtmpSessionFuzzTestInputs/}.
 */
class RtmpSessionFuzzTest {
    private static final Logger livechannelLog = (Logger) LoggerFactory.getLogger("io.livechannel");
    private static final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private static Level previousLevel;
    private static byte[] handshake;

    @BeforeAll
    static void quietLogsAndReadTheHandshake() throws IOException {
        previousLevel = livechannelLog.getLevel();
        livechannelLog.setLevel(Level.WARN); // one exec logs a dozen DEBUG lines; only WARN matters here
        warnings.start();
        livechannelLog.addAppender(warnings);
        try (InputStream in = RtmpSessionFuzzTest.class.getResourceAsStream("handshake/ffmpeg-5.1-c0c1.bin")) {
            byte[] c0c1 = in.readAllBytes();
            handshake = new byte[c0c1.length + 1536]; // C2 as zeros: the server does not check it
            System.arraycopy(c0c1, 0, handshake, 0, c0c1.length);
        }
    }

    @AfterAll
    static void restoreLogs() {
        livechannelLog.detachAppender(warnings);
        livechannelLog.setLevel(previousLevel);
    }

    @FuzzTest(maxDuration = "60s")
    void answersOrClosesWithoutInternalErrors(byte[] data) {
        warnings.list.clear();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T18:00:00Z"));
        PublisherRegistry registry = new PublisherRegistry();
        RecordingSink.Listener listener = new RecordingSink.Listener();
        PushAuthorizer admitAll = r -> CompletableFuture.completedFuture(new PushDecision.Allowed("examplebucket",
                r.url().channel(), r.url().playlistName().orElse("playlist.m3u8"), 5, 3));
        RtmpChannelInitializer rtmp = new RtmpChannelInitializer(
                new RtmpConfig(RtmpLimits.defaults(), admitAll, listener, registry, Set.of(), clock));
        EmbeddedChannel channel = new EmbeddedChannel();
        rtmp.addHandlers(channel.pipeline());
        CompositeByteBuf written = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(handshake));
            int readSize = data.length == 0 ? 1 : 1 + 16 * (data[0] & 0xFF);
            for (int at = 1; at < data.length && channel.isActive(); at += readSize) {
                channel.writeInbound(Unpooled.wrappedBuffer(data, at, Math.min(readSize, data.length - at)));
                channel.runPendingTasks();
                channel.checkException();
                drain(channel, written);
            }
            channel.advanceTimeBy(31, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.runPendingTasks();
            channel.checkException();
            drain(channel, written);

            assertThat(channel.isActive()).as("closed by the admission or read timeout").isFalse();
            assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("internal"));
            for (RecordingSink sink : listener.sinks) {
                assertThat(sink.end).isDone();
                assertThat(sink.end.join()).isNotEqualTo(EndReason.INTERNAL_ERROR);
            }
            assertThat(registry.liveCount()).as("channels left claimed").isZero();
            assertThat(rtmp.unadmittedBytes()).isZero();
            assertThat(publishStartsIn(written)).isEqualTo(listener.sinks.size());
        } finally {
            written.release();
            channel.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel channel, CompositeByteBuf into) {
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            into.addComponent(true, b);
        }
    }

    /** Reads the server's output as a client would (after S0S1S2) and counts its NetStream.Publish.Start. */
    private static int publishStartsIn(ByteBuf written) {
        ByteBuf chunks = written.duplicate();
        assertThat(chunks.readUnsignedByte()).isEqualTo((short) 3);
        chunks.skipBytes(2 * 1536);
        EmbeddedChannel client = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        client.writeInbound(chunks.retain());
        client.checkException();
        MessageReader reader = new MessageReader(RtmpLimits.DEFAULT_MAX_AMF_DEPTH);
        AtomicInteger starts = new AtomicInteger();
        for (RawMessage raw; (raw = client.readInbound()) != null; ) {
            try {
                reader.read(raw, typed -> {
                    if (typed instanceof CommandMessage c && c.values().size() > 3
                            && c.values().get(0).equals(new AmfString("onStatus"))
                            && c.values().get(3) instanceof AmfObject info
                            && info.string("code").orElse("").equals(StatusCode.PUBLISH_START.code())) {
                        starts.incrementAndGet();
                    }
                    ReferenceCountUtil.release(typed);
                });
            } finally {
                raw.release();
            }
        }
        client.finishAndReleaseAll();
        return starts.get();
    }
}
