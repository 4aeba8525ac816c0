package io.livechannel.rtmp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.RawMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read batching on real sockets through Netty's native epoll transport (the transport the server uses on
 * Linux): the kernel holds a publisher's bytes below the mark and hands them over in one wakeup, the mark
 * follows the measured rate, a publisher that goes quiet is read at once after one idle tick, and the mark is
 * back to 1 when the publish ends. The test drives each tick itself with a fake clock, so no assertion depends on
 * the machine's speed; only "the kernel delivered nothing" waits a fixed 300 ms.
 */
class ReadBatchingTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Ticks never run on their own: the test calls them. */
    private static final long NO_TICKS = TimeUnit.DAYS.toNanos(1);

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final ReadBatching batching = new ReadBatching(Duration.ofMillis(40), true, NO_TICKS, now::get);
    private final BlockingQueue<Integer> reads = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> readBursts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    private EventLoopGroup group;
    private Channel server;

    @AfterEach
    void close() throws Exception {
        if (accepted.isDone()) {
            // closed while its loop runs, so its chunk decoder releases what it holds
            accepted.get().close().sync();
        }
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * At the head of the pipeline: records each read's size and each wakeup's total (a wakeup's reads end with one
     * channelReadComplete), and passes the bytes on.
     */
    private final class Recorder extends ChannelInboundHandlerAdapter {
        private int burst;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int n = ((ByteBuf) msg).readableBytes();
            ctx.fireChannelRead(msg);
            reads.add(n);
            burst += n;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.fireChannelReadComplete();
            if (burst > 0) {
                readBursts.add(burst);
                burst = 0;
            }
        }
    }

    /** Releases each message; reading zeros, the chunk decoder emits an empty message per 13 bytes (csid 64). */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Bytes, a chunk decoder, the batcher behind it (as at publish start) and a sink that releases. */
    private int startEpollServer() throws InterruptedException {
        return startEpollServer(ch -> ch.pipeline().addLast(new Recorder(), new ChunkDecoder(RtmpLimits.defaults()))
                .addLast("batcher", batching.newHandler(ch)).addLast(new Discard()));
    }

    /** A one-loop epoll server whose connections get the pipeline {@code pipeline} builds; returns its port. */
    private int startEpollServer(Consumer<SocketChannel> pipeline) throws InterruptedException {
        assertThat(Epoll.isAvailable()).as("native epoll loads here (%s)", Epoll.unavailabilityCause()).isTrue();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch);
                        accepted.complete(ch);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static int socketMark(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> ch.config().getOption(ReadBatching.SO_RCVLOWAT)).get(5, TimeUnit.SECONDS);
    }

    /**
     * An epoll server whose connections decode chunks and hand each message to {@code messages} (then release it),
     * with the batcher behind the chunk decoder, as at publish start.
     */
    private int startChunkServer(Consumer<RawMessage> messages) throws Exception {
        return startEpollServer(ch -> {
            ch.pipeline().addLast(new ChunkDecoder(RtmpLimits.defaults())).addLast("batcher", batching.newHandler(ch));
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    RawMessage m = (RawMessage) msg;
                    try {
                        messages.accept(m);
                    } finally {
                        m.release();
                    }
                }
            });
        });
    }

    private static void tick(Channel ch, long nowNanos) throws Exception {
        ReadBatcher batcher = (ReadBatcher) ch.pipeline().get("batcher");
        ch.eventLoop().submit(() -> batcher.tick(nowNanos)).get(5, TimeUnit.SECONDS);
    }

    private static int batcherMark(Channel ch) throws Exception {
        ReadBatcher batcher = (ReadBatcher) ch.pipeline().get("batcher");
        return ch.eventLoop().submit(batcher::mark).get(5, TimeUnit.SECONDS);
    }

    /** Takes reads until {@code total} bytes arrived; fails after 5 s. */
    private void awaitBytes(int total) throws InterruptedException {
        int got = 0;
        while (got < total) {
            Integer n = reads.poll(5, TimeUnit.SECONDS);
            assertThat(n).as("bytes after %d of %d", got, total).isNotNull();
            got += n;
        }
        assertThat(got).isEqualTo(total);
    }

    /**
     * One second at 500 kB/s, a 48,000-byte keyframe first (the mark may then be 24,000 bytes) and zeros after it:
     * the mark becomes 500,000 × 40 ms / 1 s = 20,000 bytes.
     */
    private Channel publishOneSecondAt500kBps(OutputStream out) throws Exception {
        Channel ch = accepted.get(5, TimeUnit.SECONDS);
        sendOneSecondAt500kBps(out, ch);
        return ch;
    }

    private void sendOneSecondAt500kBps(OutputStream out, Channel ch) throws Exception {
        byte[] keyframe = chunked(6, 9, frame(48_000, 0x17)); // 48,386 bytes
        out.write(keyframe);
        out.write(new byte[500_000 - keyframe.length]);
        out.flush();
        awaitBytes(500_000);
        ch.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS); // after the last read's channelReadComplete
        readBursts.clear();
        now.addAndGet(SECOND);
        tick(ch, now.get());
    }

    @Test
    void theMarkFollowsThePublishersRateAndTheKernelHoldsBytesBelowIt() throws Exception {
        int port = startEpollServer();
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            Channel ch = publishOneSecondAt500kBps(out);
            assertThat(batcherMark(ch)).isEqualTo(20_000);
            assertThat(socketMark(ch)).isEqualTo(20_000);

            out.write(new byte[3_000]);
            out.flush();
            assertThat(reads.poll(300, TimeUnit.MILLISECONDS)).as("held by the kernel below the mark").isNull();
            out.write(new byte[17_000]);
            out.flush();
            assertThat(readBursts.poll(5, TimeUnit.SECONDS)).as("one wakeup takes both writes").isEqualTo(20_000);
        }
    }

    @Test
    void aPublisherThatGoesQuietIsReadAfterOneTickWithoutReads() throws Exception {
        int port = startEpollServer();
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            Channel ch = publishOneSecondAt500kBps(out);
            out.write(new byte[100]); // say, deleteStream, and the encoder waits for its answer
            out.flush();
            assertThat(reads.poll(300, TimeUnit.MILLISECONDS)).isNull();

            now.addAndGet(SECOND / 10);
            tick(ch, now.get());
            assertThat(reads.poll(5, TimeUnit.SECONDS)).isEqualTo(100);
            assertThat(socketMark(ch)).isEqualTo(1);
        }
    }

    @Test
    void aSlowPublisherGetsNoMarkAndRemovingTheHandlerRestoresTheDefault() throws Exception {
        int port = startEpollServer();
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            Channel ch = publishOneSecondAt500kBps(out);
            assertThat(socketMark(ch)).isEqualTo(20_000);

            out.write(new byte[20_000]); // 20 kB in the next second: 800 bytes in 40 ms, under the minimum
            out.flush();
            awaitBytes(20_000);
            now.addAndGet(SECOND);
            tick(ch, now.get());
            assertThat(socketMark(ch)).isEqualTo(1);

            publishAgainAndRemove(out, ch);
        }
    }

    private void publishAgainAndRemove(OutputStream out, Channel ch) throws Exception {
        sendOneSecondAt500kBps(out, ch);
        assertThat(socketMark(ch)).isEqualTo(20_000);
        ch.eventLoop().submit(() -> ch.pipeline().remove("batcher")).get(5, TimeUnit.SECONDS);
        assertThat(socketMark(ch)).isEqualTo(1);
        out.write(new byte[10]);
        out.flush();
        assertThat(reads.poll(5, TimeUnit.SECONDS)).isEqualTo(10);
    }

    /** One RTMP message in 128-byte chunks: a fmt 0 header on {@code csid}, then fmt 3 continuation headers. */
    private static byte[] chunked(int csid, int typeId, byte[] payload) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) csid, 0, 0, 0, (byte) (payload.length >> 16), (byte) (payload.length >> 8),
                (byte) payload.length, (byte) typeId, 1, 0, 0, 0});
        for (int at = 0; at < payload.length; at += 128) {
            if (at > 0) {
                out.write(0xc0 | csid);
            }
            out.write(payload, at, Math.min(128, payload.length - at));
        }
        return out.toByteArray();
    }

    private static byte[] frame(int size, int firstByte) {
        byte[] payload = new byte[size];
        payload[0] = (byte) firstByte;
        return payload;
    }

    /**
     * Over a real network a keyframe arrives in many TCP segments. Its last bytes, fewer than the mark, must not
     * wait for the next messages: with the chunk layer behind it, the batcher lowers the mark to what the keyframe
     * still misses, then restores the rate's mark once the keyframe is complete.
     */
    @Test
    void theEndOfAKeyframeIsReadWithoutWaitingForTheMark() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        int port = startChunkServer(m -> messages.add(m.typeId() + ":" + m.content().readableBytes() + ":"
                + Integer.toHexString(m.content().getUnsignedByte(0))));
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setTcpNoDelay(true);
            OutputStream out = client.getOutputStream();
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            byte[] audio = chunked(4, 8, frame(10_000, 0xaf)); // 10,090 bytes with the chunk headers
            byte[] keyframe = chunked(6, 9, frame(48_000, 0x17)); // 48,386 bytes
            out.write(keyframe); // a first keyframe: no mark before one (capFor)
            for (int i = 0; i < 45; i++) {
                out.write(audio);
            }
            out.flush();
            assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("9:48000:17");
            for (int i = 0; i < 45; i++) {
                assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("8:10000:af");
            }
            now.addAndGet(SECOND);
            tick(ch, now.get());
            assertThat(socketMark(ch)).isEqualTo(20_097); // 502,436 bytes in 1 s × 40 ms, under 24,000

            out.write(keyframe, 0, 40_000);
            out.flush();
            assertThat(messages.poll(300, TimeUnit.MILLISECONDS)).isNull();
            out.write(keyframe, 40_000, keyframe.length - 40_000); // 8,386 bytes: less than the rate's mark
            out.flush();
            assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("9:48000:17");
            assertThat(socketMark(ch)).as("the rate's mark again").isEqualTo(20_097);
        }
    }

    /**
     * Without a keyframe yet (audio only) no mark is set, whatever the rate; then the mark is at most half the last
     * keyframe, so the next keyframe fills it by itself.
     */
    @Test
    void theMarkIsAtMostHalfTheLastKeyframeAndNoneBeforeOne() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        int port = startChunkServer(m -> messages.add(m.typeId() + ":" + m.content().readableBytes()));
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setTcpNoDelay(true);
            OutputStream out = client.getOutputStream();
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            byte[] audio = chunked(4, 8, frame(10_000, 0xaf));
            for (int i = 0; i < 50; i++) {
                out.write(audio);
            }
            out.flush();
            for (int i = 0; i < 50; i++) {
                assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("8:10000");
            }
            now.addAndGet(SECOND);
            tick(ch, now.get());
            assertThat(socketMark(ch)).as("500 kB/s, but no keyframe yet").isEqualTo(1);

            out.write(chunked(6, 9, frame(8_000, 0x17))); // a small keyframe: the mark may be 4,000 at most
            out.write(chunked(6, 9, frame(3_000, 0x27))); // an inter frame does not count
            for (int i = 0; i < 50; i++) {
                out.write(audio);
            }
            out.flush();
            assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("9:8000");
            assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("9:3000");
            for (int i = 0; i < 50; i++) {
                assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("8:10000");
            }
            now.addAndGet(SECOND);
            tick(ch, now.get());
            assertThat(socketMark(ch)).as("the rate asks for 20 kB; half the keyframe is 4,000").isEqualTo(4_000);
        }
    }

    @Test
    void transportsThatCannotSetTheOptionGetNoHandler() throws Exception {
        assertThat(batching.newHandler(new EmbeddedChannel())).isNull();
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel nioServer = new ServerBootstrap().group(nio).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind("127.0.0.1", 0).sync().channel();
            try {
                // the same check on a NIO socket: its config does not know the option
                assertThat(nioServer.config().getOption(ReadBatching.SO_RCVLOWAT)).isNull();
            } finally {
                nioServer.close().sync();
            }
        } finally {
            nio.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        assertThat(new ReadBatching(Duration.ZERO).enabled()).isFalse();
        assertThat(new ReadBatching(Duration.ofMillis(40), false, NO_TICKS, now::get).newHandler(new EmbeddedChannel()))
                .isNull();
    }

    @Test
    void theMarkIsTheRateTimesTheHoldBetweenTheMinimumAndTheCap() {
        long hold = TimeUnit.MILLISECONDS.toNanos(40);
        assertThat(ReadBatching.markFor(250_000, SECOND, hold, 32_768)).isEqualTo(10_000); // 2 Mbit/s
        assertThat(ReadBatching.markFor(500_000, 2 * SECOND, hold, 32_768)).isEqualTo(10_000);
        assertThat(ReadBatching.markFor(25_600, SECOND, hold, 32_768)).isEqualTo(1_024);   // the minimum
        assertThat(ReadBatching.markFor(25_599, SECOND, hold, 32_768)).isEqualTo(1);       // below it: none
        assertThat(ReadBatching.markFor(0, SECOND, hold, 32_768)).isEqualTo(1);
        assertThat(ReadBatching.markFor(5_000_000, SECOND, hold, 32_768)).isEqualTo(32_768); // 40 Mbit/s: the cap
        assertThat(ReadBatching.markFor(Long.MAX_VALUE / 2, SECOND, hold, 32_768)).isEqualTo(32_768);
        assertThat(ReadBatching.markFor(250_000, 0, hold, 32_768)).isEqualTo(1);
    }

    @Test
    void theCapIsHalfTheLastKeyframeUpToTheLargestMark() {
        assertThat(ReadBatching.capFor(0)).isZero();
        assertThat(ReadBatching.capFor(48_000)).isEqualTo(24_000);
        assertThat(ReadBatching.capFor(1_000_000)).isEqualTo(ReadBatching.MAX_MARK_BYTES);
        assertThat(ReadBatching.markFor(250_000, SECOND, 100_000_000L, ReadBatching.capFor(2_047)))
                .as("a cap under the minimum: no mark").isEqualTo(1);
        assertThat(ReadBatching.markFor(250_000, SECOND, 100_000_000L, ReadBatching.capFor(2_048))).isEqualTo(1_024);
    }

    @Test
    void aPublisherCountsAsQuietAfterTwoAndAHalfHoldsWithoutAReadAtLeastOneTick() {
        long tick = ReadBatching.TICK_NANOS;
        assertThat(new ReadBatching(Duration.ofMillis(40), true, tick, now::get).idleTicks()).isEqualTo(1);
        assertThat(new ReadBatching(Duration.ofMillis(41), true, tick, now::get).idleTicks()).isEqualTo(2);
        assertThat(new ReadBatching(Duration.ofMillis(100), true, tick, now::get).idleTicks()).isEqualTo(3);
        assertThat(new ReadBatching(Duration.ofMillis(500), true, tick, now::get).idleTicks()).isEqualTo(13);
        assertThat(new ReadBatching(Duration.ZERO, true, tick, now::get).idleTicks()).isEqualTo(1);
    }

    @Test
    void onlyAMoveOfMoreThanAQuarterOrToAndFromOneIsWorthASystemCall() {
        assertThat(ReadBatching.worthChanging(10_000, 10_000)).isFalse();
        assertThat(ReadBatching.worthChanging(10_000, 12_500)).isFalse();
        assertThat(ReadBatching.worthChanging(10_000, 12_501)).isTrue();
        assertThat(ReadBatching.worthChanging(10_000, 7_500)).isFalse();
        assertThat(ReadBatching.worthChanging(10_000, 7_499)).isTrue();
        assertThat(ReadBatching.worthChanging(10_000, 1)).isTrue();
        assertThat(ReadBatching.worthChanging(1, 1_024)).isTrue();
        assertThat(ReadBatching.worthChanging(1, 1)).isFalse();
    }

    @Test
    void onlyPlatformsThatNumberTheOptionAsLinuxOnX86AndArmDo() {
        assertThat(ReadBatching.platformNumbersKnown("Linux", "amd64")).isTrue();
        assertThat(ReadBatching.platformNumbersKnown("Linux", "aarch64")).isTrue();
        assertThat(ReadBatching.platformNumbersKnown("Linux", "ppc64le")).isFalse(); // SO_RCVLOWAT is 16 there
        assertThat(ReadBatching.platformNumbersKnown("Mac OS X", "aarch64")).isFalse();
        assertThatThrownBy(() -> new ReadBatching(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hold");
    }
}
