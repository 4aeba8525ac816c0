package io.livechannel.bench.harness;

import io.livechannel.bench.load.LagHistogram;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One player's segment fetches on one channel: GETs each segment once, in order, as soon as the playlist poller
 * sees it listed, on its own keep-alive connection (reopened when the server closes it). What it records is what
 * a player waits for after reading the playlist: the time from the poll response that listed the segment to the
 * segment's last byte, queueing behind this channel's earlier segments included.
 *
 * <p>Why: with {@code --direct-io auto} livechannel writes live segments past the page cache, so this first read
 * comes from the disk; nginx-rtmp's comes from memory. Without it the harness measured only playlists.
 *
 * <p>Threading: every method runs on the poller's event loop. At most {@value #MAX_QUEUED} segments wait; older
 * ones are dropped and counted as skipped (a player that far behind would have skipped them too). A failed fetch
 * (another status than 200, a refused or dropped connection) is counted and the first few are logged with why;
 * fetches still queued or in flight when the run stops ({@link #close}) are neither fetched nor failed: the poller
 * waits for them first ({@link Totals#pending}), so only a server that takes seconds leaves any.
 */
final class SegmentViewer {
    static final int MAX_QUEUED = 16;
    /** Failed fetches logged per run, with their URI and why; the rest are only counted. */
    static final int FAILURES_LOGGED = 5;
    private static final Logger log = LoggerFactory.getLogger(SegmentViewer.class);
    private static final int MAX_SEGMENT_BYTES = 64 << 20;

    private final Bootstrap bootstrap;
    private final URI playlist;
    private final Totals totals;
    private final ArrayDeque<Listed> queue = new ArrayDeque<>();
    private Channel connection;
    private Listed inFlight;

    SegmentViewer(Bootstrap bootstrap, URI playlist, Totals totals) {
        this.bootstrap = bootstrap;
        this.playlist = playlist;
        this.totals = totals;
    }

    /** The poller saw {@code uri} (as written in the playlist) listed in a response received at {@code seenNanos}. */
    void listed(String uri, long seenNanos) {
        if (queue.size() == MAX_QUEUED) {
            queue.removeFirst();
            totals.skipped.increment();
            totals.pending.decrementAndGet();
        }
        queue.addLast(new Listed(playlist.resolve(uri), seenNanos));
        totals.pending.incrementAndGet();
        if (inFlight == null) {
            next();
        }
    }

    /** Drops the connection; segments still queued, and the one in flight, are not fetched (nor failed). */
    void close() {
        int dropped = queue.size() + (inFlight != null ? 1 : 0);
        totals.pending.addAndGet(-dropped);
        totals.cutAtStop.add(dropped);
        queue.clear();
        inFlight = null; // so that the connection's end does not report it as failed
        if (connection != null) {
            connection.close();
        }
    }

    private void next() {
        inFlight = queue.pollFirst();
        if (inFlight == null) {
            return;
        }
        if (connection != null && connection.isActive()) {
            send();
            return;
        }
        HttpGets.connect(bootstrap, inFlight.uri, MAX_SEGMENT_BYTES, new ResponseHandler()).addListener(f -> {
            if (inFlight == null) { // closed meanwhile
                ((ChannelFuture) f).channel().close();
            } else if (f.isSuccess()) {
                connection = ((ChannelFuture) f).channel();
                send();
            } else {
                completed(null, "cannot connect: " + f.cause());
            }
        });
    }

    private void send() {
        Listed sent = inFlight;
        connection.writeAndFlush(HttpGets.request(sent.uri)).addListener(f -> {
            if (!f.isSuccess() && inFlight == sent) {
                completed(null, "cannot send the request: " + f.cause());
            }
        });
    }

    /**
     * The outcome of the fetch in flight, exactly once; {@code response} null when it failed, and then
     * {@code failure} says why.
     */
    private void completed(FullHttpResponse response, String failure) {
        long done = System.nanoTime();
        if (response != null && response.status().code() == 200) {
            totals.times.recordNanos(done - inFlight.seenNanos);
            totals.bytes.add(response.content().readableBytes());
        } else {
            totals.errors.increment();
            if (totals.failuresLogged.getAndIncrement() < FAILURES_LOGGED) {
                log.warn("segment fetch failed: GET {}: {}", inFlight.uri,
                        response != null ? response.status() : failure);
            }
        }
        totals.pending.decrementAndGet();
        if (response == null || !HttpUtil.isKeepAlive(response)) {
            Channel c = connection;
            connection = null;
            if (c != null) {
                c.close();
            }
        }
        next();
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (connection == ctx.channel() && inFlight != null) {
                completed(response, null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connection == ctx.channel() && inFlight != null) {
                completed(null, "connection closed before the response");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private record Listed(URI uri, long seenNanos) {
    }

    /** What all viewers of one run fetched: listing-to-last-byte times, bytes, failures, skipped segments. */
    static final class Totals {
        final LagHistogram times = new LagHistogram();
        final LongAdder bytes = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder skipped = new LongAdder();
        /** Queued or in flight, on any viewer; the poller's stop waits for none to be left. */
        final AtomicInteger pending = new AtomicInteger();
        /** Dropped by {@link #close}: still queued or in flight when the run stopped. */
        final LongAdder cutAtStop = new LongAdder();
        final AtomicInteger failuresLogged = new AtomicInteger();

        /** p50, p99 and max in ms, fetched count, errors and skipped, for the report. */
        SegmentFetches summary() {
            return new SegmentFetches(times.count(), errors.sum(), skipped.sum(), bytes.sum(),
                    times.percentileMillis(0.5), times.percentileMillis(0.99), times.maxMillis());
        }
    }
}
