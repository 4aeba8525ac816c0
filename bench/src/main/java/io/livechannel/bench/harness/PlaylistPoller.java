package io.livechannel.bench.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every channel's live playlist over HTTP/1.1 keep-alive and records the first sighting of each new
 * segment. Channels {@code 0 .. fastChannels-1} are polled every {@code fastInterval} (they give the latency
 * distribution), the rest every {@code slowInterval} (they give the late-segment count, with the interval as the
 * stated error). One request per channel is in flight at a time, on the channel's own connection (reopened when
 * the server closes it, as nginx does after {@code keepalive_requests}), so a channel's state is only touched by
 * the completion of its own previous request. On the fast-polled channels a {@link SegmentViewer} also fetches
 * each new segment once, as a player would.
 *
 * <p>The client is one Netty event-loop thread: it shares the 2-core machine with the servers and the
 * publishers, and must cost little and answer fast, or it measures itself. (The JDK's {@code HttpClient} used
 * before saw a poll response time p50 of 906 ms on a 500-publisher load while {@code curl} against the same
 * server at the same time saw 19 ms; see {@code docs/benchmarks.md}.)
 *
 * <p>Lifecycle: {@link #start} → {@link #stop} → {@link #sightings()}. Owns its event loop.
 */
public final class PlaylistPoller {
    private static final int MAX_PLAYLIST_BYTES = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(PlaylistPoller.class);

    private final IntFunction<String> urls;
    private final int channels;
    private final int fastChannels;
    private final Duration fastInterval;
    private final Duration slowInterval;
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "poll-io");
        t.setDaemon(true);
        return t;
    }, NioIoHandler.newFactory());
    private final Bootstrap bootstrap;
    private final Queue<SegmentSighting> sightings = new ConcurrentLinkedQueue<>();
    private final List<ChannelState> states = new ArrayList<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final io.livechannel.bench.load.LagHistogram responseTimes = new io.livechannel.bench.load.LagHistogram();
    private final SegmentViewer.Totals segmentFetches = new SegmentViewer.Totals();
    private volatile boolean running;
    private final AtomicBoolean stopped = new AtomicBoolean();

    public PlaylistPoller(IntFunction<String> urls, int channels, int fastChannels, Duration fastInterval,
            Duration slowInterval) {
        this.urls = urls;
        this.channels = channels;
        this.fastChannels = Math.min(fastChannels, channels);
        this.fastInterval = fastInterval;
        this.slowInterval = slowInterval;
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000).option(ChannelOption.TCP_NODELAY, true);
    }

    public void start() {
        running = true;
        for (int i = 0; i < channels; i++) {
            URI uri = URI.create(urls.apply(i));
            ChannelState s = new ChannelState(i, uri,
                    i < fastChannels ? fastInterval.toNanos() : slowInterval.toNanos(),
                    i < fastChannels ? new SegmentViewer(bootstrap, uri, segmentFetches) : null);
            states.add(s);
            long spread = s.intervalNanos * i / Math.max(1, channels);
            loop.schedule(() -> poll(s), spread, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs on the poll-io thread: sends the next request on the channel's connection, opening it if needed. */
    private void poll(ChannelState s) {
        if (!running) {
            return;
        }
        s.requestNanos = System.nanoTime();
        inFlight.incrementAndGet();
        requests.increment();
        if (s.connection != null && s.connection.isActive()) {
            send(s);
            return;
        }
        HttpGets.connect(bootstrap, s.uri, MAX_PLAYLIST_BYTES, new ResponseHandler(s)).addListener(f -> {
            if (f.isSuccess()) {
                s.connection = ((io.netty.channel.ChannelFuture) f).channel();
                send(s);
            } else {
                completed(s, null, System.nanoTime());
            }
        });
    }

    private void send(ChannelState s) {
        s.awaiting = true;
        s.connection.writeAndFlush(HttpGets.request(s.uri)).addListener(f -> {
            if (!f.isSuccess() && s.awaiting) {
                completed(s, null, System.nanoTime());
            }
        });
    }

    /**
     * The outcome of the channel's outstanding request, exactly once: {@code response} null when it failed (connect,
     * write, or the connection lost while waiting).
     */
    private void completed(ChannelState s, FullHttpResponse response, long seen) {
        s.awaiting = false;
        responseTimes.recordNanos(seen - s.requestNanos);
        try {
            if (response == null) {
                errors.increment();
                closeConnection(s);
            } else if (response.status().code() == 200) {
                s.onPlaylist(MediaPlaylist.parse(response.content().toString(StandardCharsets.UTF_8)), seen);
            } else if (response.status().code() != 404) {
                errors.increment();
            }
            if (response != null && !HttpUtil.isKeepAlive(response)) {
                closeConnection(s);
            }
        } catch (IllegalArgumentException e) {
            errors.increment();
        } finally {
            s.previousRequestNanos = s.requestNanos;
            inFlight.decrementAndGet();
            long delay = s.requestNanos + s.intervalNanos - System.nanoTime();
            if (running) {
                loop.schedule(() -> poll(s), Math.max(0, delay), TimeUnit.NANOSECONDS);
            }
        }
    }

    private static void closeConnection(ChannelState s) {
        if (s.connection != null) {
            Channel c = s.connection;
            s.connection = null;
            c.close();
        }
    }

    /** Hands each whole response (or the connection's loss while a request waits) to {@link #completed}. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final ChannelState state;

        ResponseHandler(ChannelState state) {
            this.state = state;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (state.connection == ctx.channel() && state.awaiting) {
                completed(state, response, System.nanoTime());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (state.connection == ctx.channel() && state.awaiting) {
                completed(state, null, System.nanoTime());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Stops scheduling polls, waits up to 6 s for the polls in flight and for the segments already listed to be
     * fetched, then drops what is left (logged, neither fetched nor failed). Calls after the first return at once.
     */
    public void stop() throws InterruptedException {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while ((inFlight.get() > 0 || segmentFetches.pending.get() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (!loop.isShuttingDown()) {
            loop.submit(() -> states.stream().filter(s -> s.viewer != null).forEach(s -> s.viewer.close()))
                    .await(1, TimeUnit.SECONDS);
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (segmentFetches.cutAtStop.sum() > 0) {
            log.info("{} segment fetches still queued or in flight 6 s after the stop: not counted",
                    segmentFetches.cutAtStop.sum());
        }
    }

    public List<SegmentSighting> sightings() {
        return List.copyOf(sightings);
    }

    public long requests() {
        return requests.sum();
    }

    /** Failed requests (I/O error, status other than 200/404, unparsable body). */
    public long errors() {
        return errors.sum();
    }

    /** Times a channel's playlist skipped a sequence number the poller never saw (channel then ignored). */
    public long gaps() {
        return gaps.sum();
    }

    /** Request-to-response times of every poll, 1 ms buckets. */
    public io.livechannel.bench.load.LagHistogram responseTimes() {
        return responseTimes;
    }

    /** What the fast-polled channels' segment fetches measured so far. */
    public SegmentFetches segmentFetches() {
        return segmentFetches.summary();
    }

    public int fastChannels() {
        return fastChannels;
    }

    /** Per-channel progress: what was seen last and the running sum of durations. */
    private final class ChannelState {
        private final int index;
        private final URI uri;
        private final long intervalNanos;
        private final SegmentViewer viewer;
        private long lastSequence = -1;
        private long endMicros;
        private long previousRequestNanos;
        private long requestNanos;
        private Channel connection;
        private boolean awaiting;
        private boolean lostTrack;

        ChannelState(int index, URI uri, long intervalNanos, SegmentViewer viewer) {
            this.index = index;
            this.uri = uri;
            this.intervalNanos = intervalNanos;
            this.viewer = viewer;
        }

        void onPlaylist(MediaPlaylist p, long seenNanos) {
            List<Long> d = p.durationsMicros();
            for (int j = 0; j < d.size() && !lostTrack; j++) {
                long seq = p.mediaSequence() + j;
                if (seq <= lastSequence) {
                    continue;
                }
                if (lastSequence >= 0 && seq != lastSequence + 1) {
                    gaps.increment();
                    lostTrack = true;
                    return;
                }
                endMicros += d.get(j);
                lastSequence = seq;
                sightings.add(new SegmentSighting(index, seq, endMicros, seenNanos, previousRequestNanos));
                if (viewer != null && running) {
                    viewer.listed(p.segmentUris().get(j), seenNanos);
                }
            }
        }
    }
}
