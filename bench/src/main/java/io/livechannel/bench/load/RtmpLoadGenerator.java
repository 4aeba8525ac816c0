package io.livechannel.bench.load;

import io.livechannel.bench.flv.FlvFile;
import io.livechannel.bench.rtmpclient.ClientHandshakeHandler;
import io.livechannel.bench.rtmpclient.PrechunkedStream;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.chunk.ChunkDecoder;
import io.livechannel.rtmp.chunk.ChunkEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link LoadConfig#publishers()} RTMP publishers, staggered over the ramp, each replaying the FLV at
 * real-time pace until {@link #stopAtNanos()} (ramp + hold after the start), and collects {@link LoadStats}.
 *
 * <p>Lifecycle: {@link #start} → (harness reads {@link #stats()} while running) → {@link #awaitDone} →
 * {@link #report()} → {@link #close()}. The FLV is chunked once per message stream id and shared; the generator
 * owns those buffers and its event loops and releases them on close. Methods are thread-safe.
 */
public final class RtmpLoadGenerator implements AutoCloseable {
    /** Two threads: the box has two cores, shared with the server under test. */
    static final int EVENT_LOOP_THREADS = 2;
    /** A keyframe of a 2 Mbps stream is ~100-250 KB; below 1 MiB queued the publisher keeps writing. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Seconds of file beyond ramp + hold: setup time of the last publisher plus the final GOP. */
    private static final long FILE_MARGIN_MILLIS = 5_000;

    private final LoadConfig config;
    private final FlvFile flv;
    private final EventLoopGroup group;
    private final Map<Integer, PrechunkedStream> streams = new ConcurrentHashMap<>();
    private final LoadStats stats;
    private final CountDownLatch done;
    private final long startNanos;
    private final long stopAtNanos;
    private volatile long endNanos;

    private RtmpLoadGenerator(LoadConfig config, FlvFile flv) {
        this.config = config;
        this.flv = flv;
        this.group = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, NioIoHandler.newFactory());
        PrechunkedStream first = stream(1);
        this.stats = new LoadStats(config.publishers(), first.keyframeTimestampsMillis().length);
        this.done = new CountDownLatch(config.publishers());
        this.startNanos = System.nanoTime();
        this.stopAtNanos = startNanos + config.ramp().plus(config.hold()).toNanos();
    }

    /** Reads the FLV, checks it is long enough, and schedules every publisher's connect. */
    public static RtmpLoadGenerator start(LoadConfig config) throws IOException {
        FlvFile flv = FlvFile.read(config.flv());
        long needed = config.ramp().plus(config.hold()).toMillis() + FILE_MARGIN_MILLIS;
        if (flv.durationMillis() < needed) {
            throw new IllegalArgumentException(config.flv() + " lasts " + flv.durationMillis()
                    + " ms; ramp + hold + margin needs " + needed + " ms (make a longer one with make-flv.sh)");
        }
        RtmpLoadGenerator g = new RtmpLoadGenerator(config, flv);
        g.schedule();
        return g;
    }

    private PrechunkedStream stream(int messageStreamId) {
        return streams.computeIfAbsent(messageStreamId, id -> PrechunkedStream.of(flv, config.chunkSize(), id));
    }

    private void schedule() {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        long rampNanos = config.ramp().toNanos();
        for (int i = 0; i < config.publishers(); i++) {
            int index = i;
            long delay = rampNanos * i / config.publishers();
            group.schedule(() -> connect(b, index), delay, TimeUnit.NANOSECONDS);
        }
    }

    private void connect(Bootstrap b, int index) {
        ChannelFuture f = b.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // the server's chunk codec reads its replies (and writes the Acknowledgements it asks for)
                ch.pipeline().addLast(new ClientHandshakeHandler(), new ChunkDecoder(RtmpLimits.defaults()),
                        new ChunkEncoder(),
                        new Publisher(index, config, RtmpLoadGenerator.this::stream, stats, stopAtNanos));
            }
        }).connect(config.host(), config.port());
        f.addListener(c -> {
            if (!c.isSuccess()) {
                stats.failed(FailureReason.CONNECT_FAILED);
                countDown();
            } else {
                f.channel().closeFuture().addListener(x -> countDown());
            }
        });
    }

    private void countDown() {
        done.countDown();
        if (done.getCount() == 0) {
            endNanos = System.nanoTime();
        }
    }

    /** Waits until every publisher has closed; true if they all did within {@code timeout}. */
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public LoadStats stats() {
        return stats;
    }

    public LoadConfig config() {
        return config;
    }

    /** FLV timestamps of the keyframes, in order; {@link LoadStats#keyframeSentNanos} is indexed the same way. */
    public long[] keyframeTimestampsMillis() {
        return stream(1).keyframeTimestampsMillis();
    }

    /** {@code nanoTime} at which the generator was started. */
    public long startNanos() {
        return startNanos;
    }

    /** {@code nanoTime} after which publishers stop at their next keyframe. */
    public long stopAtNanos() {
        return stopAtNanos;
    }

    public LoadReport report() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        return LoadReport.of(config.publishers(), stats, (end - startNanos) / 1_000_000);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        streams.values().forEach(PrechunkedStream::release);
        streams.clear();
    }
}
