package io.livechannel.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.rtmp.support.MutableClock;
import io.livechannel.rtmp.support.RecordingSink;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * The memory any input makes the server hold for a connection whose publish is not admitted (issue 29 finding 2:
 * two chunk headers announcing 8 MiB messages once cost 16 MiB). The RTMP pipeline of one connection, after the
 * handshake ffmpeg sent, with an authorizer that never answers, so the connection never gets past admission; its
 * allocator counts every byte the pipeline allocates. Input: the chunk stream, delivered in reads of
 * {@value #READ_BYTES} bytes (Netty's largest adaptive read); as on a socket, nothing more is delivered while the
 * session has stopped reading to authorize.
 *
 * <p>Property: after every read, what the pipeline holds stays within {@code maxBytesBeforeAdmission} plus one read
 * and the buffers' power-of-two rounding ({@link #bound}); and when the connection is closed nothing is held.
 * Corpus: {@code RtmpMemoryFuzzTestInputs/}.
 */
class RtmpMemoryFuzzTest {
    static final int READ_BYTES = 64 * 1024;
    private static final Logger livechannelLog = (Logger) LoggerFactory.getLogger("io.livechannel");
    private static Level previousLevel;
    private static byte[] handshake;

    @BeforeAll
    static void quietLogsAndReadTheHandshake() throws IOException {
        previousLevel = livechannelLog.getLevel();
        livechannelLog.setLevel(Level.WARN);
        try (InputStream in = RtmpMemoryFuzzTest.class.getResourceAsStream("handshake/ffmpeg-5.1-c0c1.bin")) {
            byte[] c0c1 = in.readAllBytes();
            handshake = new byte[c0c1.length + 1536];
            System.arraycopy(c0c1, 0, handshake, 0, c0c1.length);
        }
    }

    @AfterAll
    static void restoreLogs() {
        livechannelLog.setLevel(previousLevel);
    }

    /**
     * What a connection may hold before admission: the limit, plus the read that passes it (the decoder checks after
     * decoding a read), the whole rounded up to the next power of two, as Netty grows a cumulation buffer.
     */
    static long bound(RtmpLimits limits) {
        return Long.highestOneBit(2L * (limits.maxBytesBeforeAdmission() + READ_BYTES) - 1);
    }

    @FuzzTest(maxDuration = "60s")
    void heldMemoryStaysWithinTheBeforeAdmissionLimit(byte[] data) {
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
        RtmpLimits limits = RtmpLimits.defaults();
        RtmpChannelInitializer rtmp = new RtmpChannelInitializer(new RtmpConfig(limits, r -> new CompletableFuture<>(),
                new RecordingSink.Listener(), new PublisherRegistry(), Set.of(),
                new MutableClock(Instant.parse("2026-11-21T18:00:00Z"))));
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        rtmp.addHandlers(channel.pipeline());
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(handshake));
            releaseOutbound(channel);
            long baseline = allocator.metric().usedHeapMemory();
            for (int at = 0; at < data.length && channel.isActive() && channel.config().isAutoRead(); at += READ_BYTES) {
                channel.writeInbound(Unpooled.wrappedBuffer(data, at, Math.min(READ_BYTES, data.length - at)));
                channel.runPendingTasks();
                releaseOutbound(channel);
                assertThat(allocator.metric().usedHeapMemory() - baseline).as("held after %d input bytes", at)
                        .isLessThanOrEqualTo(bound(limits));
                assertThat(rtmp.unadmittedBytes()).isLessThanOrEqualTo(limits.maxBytesBeforeAdmission());
            }
            channel.close();
            releaseInbound(channel);
            assertThat(rtmp.unadmittedBytes()).as("budget given back on close").isZero();
            assertThat(allocator.metric().usedHeapMemory()).as("held after close").isZero();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void releaseOutbound(EmbeddedChannel channel) {
        for (Object m; (m = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    private static void releaseInbound(EmbeddedChannel channel) {
        for (Object m; (m = channel.readInbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }
}
