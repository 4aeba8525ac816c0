package io.livechannel.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.amf.AmfEcmaArray;
import io.livechannel.rtmp.amf.AmfNull;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfObject;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.RawMessage;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.message.CommandMessage;
import io.livechannel.rtmp.message.MessageReader;
import io.livechannel.rtmp.message.SetChunkSize;
import io.livechannel.rtmp.message.SetPeerBandwidth;
import io.livechannel.rtmp.message.UserControl;
import io.livechannel.rtmp.message.WindowAcknowledgementSize;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.rtmp.support.MutableClock;
import io.livechannel.rtmp.support.RecordingSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The whole RTMP pipeline in an EmbeddedChannel, fed the bytes ffmpeg 5.1 sent (captured): what the client is
 * answered, and what the sink receives.
 */
class RtmpPipelineTest {
    /** Where the publish command's last chunk ends in the captured chunk stream. */
    private static final int AFTER_PUBLISH = 726;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T18:00:00Z"));
    private final PublisherRegistry registry = new PublisherRegistry();
    private final RecordingSink.Listener listener = new RecordingSink.Listener();
    private final AtomicReference<PushRequest> request = new AtomicReference<>();

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = RtmpPipelineTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /** C0C1 and the chunk stream as captured; C2 (not checked by the server) as zeros. */
    private static byte[] ffmpegSession() throws IOException {
        byte[] c0c1 = resource("handshake/ffmpeg-5.1-c0c1.bin");
        byte[] chunks = resource("chunk/ffmpeg-5.1-publish-start.bin");
        byte[] all = new byte[c0c1.length + 1536 + chunks.length];
        System.arraycopy(c0c1, 0, all, 0, c0c1.length);
        System.arraycopy(chunks, 0, all, c0c1.length + 1536, chunks.length);
        return all;
    }

    private RtmpChannelInitializer initializer(PushAuthorizer authorizer) {
        return new RtmpChannelInitializer(new RtmpConfig(RtmpLimits.defaults(), authorizer, listener, registry,
                Set.of(), clock));
    }

    private PushAuthorizer allow() {
        return r -> {
            request.set(r);
            return CompletableFuture.completedFuture(new PushDecision.Allowed("examplebucket", r.url().channel(),
                    r.url().playlistName().orElse("playlist.m3u8"), 5, 3));
        };
    }

    /** Decodes what the server wrote after S0S1S2 as a client would. */
    private static List<Object> replies(EmbeddedChannel server) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = server.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        assertThat(all.readUnsignedByte()).isEqualTo((short) 3); // S0
        all.skipBytes(2 * 1536);                                  // S1, S2
        return typed(all);
    }

    /** The typed messages in {@code chunks} (released), read as a client would: chunk decoder, message reader. */
    private static List<Object> typed(ByteBuf chunks) {
        EmbeddedChannel client = new EmbeddedChannel(new ChunkDecoder(RtmpLimits.defaults()));
        client.writeInbound(chunks);
        MessageReader reader = new MessageReader(16);
        List<Object> out = new ArrayList<>();
        for (RawMessage raw; (raw = client.readInbound()) != null; ) {
            reader.read(raw, out::add);
            raw.release();
        }
        assertThat(client.finishAndReleaseAll()).isFalse();
        return out;
    }

    private static AmfObject info(StatusCode code, String description) {
        return AmfObject.of(new io.livechannel.rtmp.amf.AmfProperty("level", new AmfString(code.level())),
                new io.livechannel.rtmp.amf.AmfProperty("code", new AmfString(code.code())),
                new io.livechannel.rtmp.amf.AmfProperty("description", new AmfString(description)));
    }

    private static List<AmfValue> values(Object message) {
        return ((CommandMessage) message).values();
    }

    @Test
    void answersFfmpegsPublishFlowAndDeliversItsFrames() throws IOException {
        byte[] session = ffmpegSession();
        int split = 1537 + 1536 + AFTER_PUBLISH;
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(allow()).addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(session, 0, split));
        channel.runPendingTasks();

        List<Object> replies = replies(channel);
        assertThat(replies.subList(0, 3)).containsExactly(new WindowAcknowledgementSize(2_500_000),
                new SetPeerBandwidth(2_500_000, SetPeerBandwidth.LimitType.DYNAMIC), new SetChunkSize(4096));
        assertThat(values(replies.get(3)).subList(0, 2)).containsExactly(new AmfString("_result"), new AmfNumber(1));
        assertThat(((AmfObject) values(replies.get(3)).get(3)).string("code")).contains("NetConnection.Connect.Success");
        assertThat(values(replies.get(4))).containsExactly(new AmfString("_result"), new AmfNumber(2), AmfNull.INSTANCE,
                AmfNull.INSTANCE); // releaseStream
        assertThat(values(replies.get(5))).containsExactly(new AmfString("_result"), new AmfNumber(3), AmfNull.INSTANCE,
                AmfNull.INSTANCE); // FCPublish
        assertThat(values(replies.get(6))).containsExactly(new AmfString("_result"), new AmfNumber(4), AmfNull.INSTANCE,
                new AmfNumber(1)); // createStream → stream 1
        assertThat(replies.get(7)).isEqualTo(UserControl.streamBegin(1));
        assertThat(((CommandMessage) replies.get(8)).messageStreamId()).isEqualTo(1);
        assertThat(values(replies.get(8))).containsExactly(new AmfString("onStatus"), new AmfNumber(0), AmfNull.INSTANCE,
                info(StatusCode.PUBLISH_START, "Start publishing test-channel"));
        assertThat(replies).hasSize(9);

        PushRequest r = request.get();
        assertThat(r.url().bucket()).contains("examplebucket"); // from the app "examplebucket/live"
        assertThat(r.url().channel()).isEqualTo("test-channel");
        assertThat(r.tcUrl()).isEqualTo("rtmp://127.0.0.1:34165/examplebucket/live");

        channel.writeInbound(Unpooled.wrappedBuffer(session, split, session.length - split));
        RecordingSink sink = listener.sinks.poll();
        assertThat(sink.info.playlistName()).isEqualTo("playlist.m3u8");
        assertThat(sink.frames).containsExactly(
                new RecordingSink.Frame('V', 0, 0x17, 0, 42),      // AVC sequence header
                new RecordingSink.Frame('A', 0, 0xaf, 0, 7),       // AAC sequence header
                new RecordingSink.Frame('A', 0, 0xaf, 1, 282),
                new RecordingSink.Frame('V', 23, 0x17, 1, 8661),   // keyframe
                new RecordingSink.Frame('A', 23, 0xaf, 1, 280),
                new RecordingSink.Frame('A', 46, 0xaf, 1, 177));
        assertThat(((AmfEcmaArray) sink.metaData.get(0)).get("width")).contains(new AmfNumber(320));
        var stats = registry.stats("examplebucket", "test-channel").orElseThrow();
        assertThat(stats.video().width()).isEqualTo(320);
        assertThat(stats.video().height()).isEqualTo(240);
        assertThat(stats.audio().sampleRate()).isEqualTo(44100);

        channel.close();
        assertThat(sink.end).isCompletedWithValue(EndReason.CONNECTION_LOST);
        assertThat(registry.isLive("examplebucket", "test-channel")).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anAggregateMessageReachesTheSinkAsItsVideoAndAudioFramesWithRebasedTimestamps() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(allow()).addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession()));
        channel.runPendingTasks();
        RecordingSink sink = listener.sinks.poll();
        assertThat(sink.frames).hasSize(6);
        channel.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex((""
                + "06 0003e8 000022 16 01000000"                  // csid 6 fmt 0; ts 1000; 34 bytes; aggregate; msid 1
                + " 09 000002 000064 00 000000 1701 0000000d"     // video, 2 bytes, ts 100: keyframe NALU; back ptr 13
                + " 08 000002 00007b 00 000000 af01 0000000d")    // audio, 2 bytes, ts 123: AAC raw; back ptr 13
                .replace(" ", ""))));
        assertThat(sink.frames.subList(6, sink.frames.size())).containsExactly(
                new RecordingSink.Frame('V', 1000, 0x17, 1, 2),
                new RecordingSink.Frame('A', 1023, 0xaf, 1, 2));
        assertThat(channel.isActive()).isTrue();
        channel.close();
        assertThat(sink.end).isCompletedWithValue(EndReason.CONNECTION_LOST);
        channel.finishAndReleaseAll(); // the replies to the publish flow
    }

    @Test
    void worksWhenAddedToAnActiveChannelAfterSniffingWithBytesAlreadyBuffered() throws IOException {
        byte[] session = ffmpegSession();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                // as ProtocolSniffer: sees 0x03, installs RTMP, removes itself, passes the bytes on
                initializer(allow()).addHandlers(ctx.pipeline());
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            }
        });
        channel.writeInbound(Unpooled.wrappedBuffer(session, 0, 1537 + 1536 + AFTER_PUBLISH));
        channel.runPendingTasks();
        assertThat(listener.sinks).hasSize(1);
        // the handshake timeout was armed although channelActive had passed before the handlers existed
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse(); // read idle timeout, 30 s
        assertThat(listener.sinks.poll().end).isCompletedWithValue(EndReason.CONNECTION_LOST);
        channel.finishAndReleaseAll();
    }

    @Test
    void mediaSentBeforeTheAuthorizerAnsweredIsDeliveredAfterPublishStart() throws IOException {
        CompletableFuture<PushDecision> decision = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(r -> decision).addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession())); // everything at once, as a hasty encoder
        assertThat(channel.config().isAutoRead()).isFalse();            // stopped reading while authorizing
        assertThat(listener.sinks).isEmpty();
        decision.complete(new PushDecision.Allowed("examplebucket", "test-channel", "playlist.m3u8", 5, 3));
        channel.runPendingTasks();
        RecordingSink sink = listener.sinks.poll();
        assertThat(sink.frames).hasSize(6);
        assertThat(sink.frames.get(0).size()).isEqualTo(42); // the AVC sequence header was not lost
        assertThat(channel.config().isAutoRead()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void refusalSendsTheStatusCodeWithItsReasonThenCloses() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(r -> CompletableFuture.completedFuture(
                new PushDecision.Denied(StatusCode.PUBLISH_DENIED, "the push URL has expired")))
                .addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession()));
        channel.runPendingTasks();
        List<Object> replies = replies(channel);
        Object last = replies.get(replies.size() - 1);
        assertThat(values(last)).containsExactly(new AmfString("onStatus"), new AmfNumber(0), AmfNull.INSTANCE,
                info(StatusCode.PUBLISH_DENIED, "the push URL has expired"));
        assertThat(listener.sinks).isEmpty();
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void connectToAnotherApplicationIsRejected() throws IOException {
        byte[] session = ffmpegSession();
        // rewrite app "examplebucket/live" to "examplebucket/vods" (same length) inside the connect command
        String s = new String(session, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replaceFirst("examplebucket/live", "examplebucket/vods");
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(allow()).addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, 3073 + 300));
        List<Object> replies = replies(channel);
        assertThat(values(replies.get(0)).get(0)).isEqualTo(new AmfString("_error"));
        assertThat(((AmfObject) values(replies.get(0)).get(3)).string("code")).contains("NetConnection.Connect.Rejected");
        assertThat(channel.isActive()).isFalse();
        assertThat(request.get()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void failingAuthorizerIsADenialNotACrash() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(r -> CompletableFuture.failedFuture(new IllegalStateException("catalog down")))
                .addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession()));
        channel.runPendingTasks();
        List<Object> replies = replies(channel);
        assertThat(values(replies.get(replies.size() - 1)).get(3))
                .isEqualTo(info(StatusCode.PUBLISH_DENIED, "authorization failed (server error)"));
        assertThat(listener.sinks).isEmpty();
        assertThat(registry.isLive("examplebucket", "test-channel")).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void kickTellsTheEncoderWhyEndsTheSinkAtOnceAndClosesAfterTheLinger() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(allow()).addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession()));
        channel.runPendingTasks();
        RecordingSink sink = listener.sinks.poll();
        replies(channel); // the publish flow so far

        CompletableFuture<Boolean> kicked = registry.kick("examplebucket", "test-channel");
        channel.runPendingTasks();
        assertThat(sink.end).isCompletedWithValue(EndReason.KICKED);
        assertThat(kicked).isCompletedWithValue(true);
        assertThat(registry.isLive("examplebucket", "test-channel")).isFalse();
        ByteBuf out = channel.readOutbound();
        List<Object> messages = typed(Unpooled.wrappedBuffer(
                io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0x10, 0}),
                out)); // the server set its chunk size to 4096 earlier in the stream
        CommandMessage status = (CommandMessage) messages.get(1); // after our own Set Chunk Size prefix
        assertThat(status.values().get(3)).isEqualTo(info(StatusCode.PUBLISH_DENIED, "the channel was disabled or deleted"));
        assertThat(channel.isActive()).isTrue(); // lingering so the encoder reads the reason
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
        channel.finishAndReleaseAll();
    }
    /** The handshake as ffmpeg sent it (C0C1 captured, C2 as zeros); the server's S0S1S2 are released. */
    private static void handshake(EmbeddedChannel channel) throws IOException {
        byte[] c0c1 = resource("handshake/ffmpeg-5.1-c0c1.bin");
        channel.writeInbound(Unpooled.wrappedBuffer(c0c1), Unpooled.wrappedBuffer(new byte[1536]));
        for (Object m; (m = channel.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(m);
        }
    }

    /** Issue 29 finding 2: after the handshake, two chunk headers announcing 8 MiB messages, then more chunks. */
    @Test
    void announcedHugeMessagesBeforeAPublishHoldWhatArrivedAndAreClosedAtTheConnectionsLimit() throws IOException {
        io.netty.buffer.UnpooledByteBufAllocator allocator = new io.netty.buffer.UnpooledByteBufAllocator(false);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        RtmpChannelInitializer rtmp = initializer(allow());
        rtmp.addHandlers(channel.pipeline());
        handshake(channel);
        long afterHandshake = allocator.metric().usedHeapMemory();
        byte[] chunk = new byte[128];
        channel.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0400000080000009" + "01000000")),
                Unpooled.wrappedBuffer(chunk),
                Unpooled.wrappedBuffer(HexFormat.of().parseHex("0500000080000009" + "01000000")),
                Unpooled.wrappedBuffer(chunk));
        assertThat(rtmp.unadmittedBytes()).as("two chunks held, not 16 MiB").isEqualTo(256);
        assertThat(allocator.metric().usedHeapMemory() - afterHandshake).isLessThan(4096);

        long sent = 0;
        while (channel.isActive() && sent < 1 << 20) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xc4}), Unpooled.wrappedBuffer(chunk));
            sent += 129;
            assertThat(allocator.metric().usedHeapMemory()).isLessThan(RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION);
        }
        assertThat(channel.isActive()).as("closed after %d bytes", sent).isFalse();
        assertThat(sent).isLessThan(RtmpLimits.DEFAULT_MAX_BYTES_BEFORE_ADMISSION);
        assertThat(rtmp.unadmittedBytes()).isZero();
        channel.finishAndReleaseAll();
    }

    /** Issue 29 finding 3: a peer that completes the handshake, then trickles 16 bytes every 5 s. */
    @Test
    void aConnectionWithoutAnAdmittedPublishIsClosedFifteenSecondsAfterItStarted() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(allow()).addHandlers(channel.pipeline());
        handshake(channel);
        byte[] chunks = resource("chunk/ffmpeg-5.1-publish-start.bin");
        for (int at = 0; at < 48; at += 16) {
            channel.advanceTimeBy(5, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            if (channel.isActive()) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunks, at, 16));
            }
        }
        assertThat(channel.isActive()).as("closed at 15 s, before the read timeout's 30 s").isFalse();
        assertThat(listener.sinks).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void anEncoderStillWaitingForItsPublishAt15sIsToldWhyAndClosed() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        initializer(r -> new CompletableFuture<>()).addHandlers(channel.pipeline()); // never answers
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession()));
        channel.advanceTimeBy(15, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        List<Object> replies = replies(channel);
        assertThat(values(replies.get(replies.size() - 1))).containsExactly(new AmfString("onStatus"),
                new AmfNumber(0), AmfNull.INSTANCE, info(StatusCode.PUBLISH_DENIED, "no publish admitted within 15000 ms"));
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void anAdmittedPublisherOutlivesTheAdmissionTimeout() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel();
        RtmpChannelInitializer rtmp = initializer(allow());
        rtmp.addHandlers(channel.pipeline());
        channel.writeInbound(Unpooled.wrappedBuffer(ffmpegSession()));
        channel.runPendingTasks();
        assertThat(rtmp.unadmittedBytes()).isZero();
        channel.advanceTimeBy(20, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isTrue();
        assertThat(listener.sinks.poll().end).isNotDone();
        channel.finishAndReleaseAll();
    }
}
