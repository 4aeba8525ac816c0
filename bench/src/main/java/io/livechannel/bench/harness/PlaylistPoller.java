package io.livechannel.bench.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Polls every channel's live playlist over HTTP/1.1 keep-alive and records the first sighting of each new
 * segment. Channels {@code 0 .. fastChannels-1} are polled every {@code fastInterval} (they give the latency
 * distribution), the rest every {@code slowInterval} (they give the late-segment count, with the interval as the
 * stated error). One request per channel is in flight at a time, so a channel's state is only touched by the
 * completion of its own previous request.
 *
 * <p>Lifecycle: {@link #start} → {@link #stop} → {@link #sightings()}. Owns its HTTP client and threads.
 */
public final class PlaylistPoller {
    private final IntFunction<String> urls;
    private final int channels;
    private final int fastChannels;
    private final Duration fastInterval;
    private final Duration slowInterval;
    private final HttpClient client;
    private final ExecutorService httpThreads = Executors.newFixedThreadPool(2, daemon("poll-http"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("poll-timer"));
    private final Queue<SegmentSighting> sightings = new ConcurrentLinkedQueue<>();
    private final List<ChannelState> states = new ArrayList<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final io.livechannel.bench.load.LagHistogram responseTimes = new io.livechannel.bench.load.LagHistogram();
    private volatile boolean running;

    public PlaylistPoller(IntFunction<String> urls, int channels, int fastChannels, Duration fastInterval,
            Duration slowInterval) {
        this.urls = urls;
        this.channels = channels;
        this.fastChannels = Math.min(fastChannels, channels);
        this.fastInterval = fastInterval;
        this.slowInterval = slowInterval;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public void start() {
        running = true;
        for (int i = 0; i < channels; i++) {
            ChannelState s = new ChannelState(i, URI.create(urls.apply(i)),
                    i < fastChannels ? fastInterval.toNanos() : slowInterval.toNanos());
            states.add(s);
            long spread = s.intervalNanos * i / Math.max(1, channels);
            timer.schedule(() -> poll(s), spread, TimeUnit.NANOSECONDS);
        }
    }

    private void poll(ChannelState s) {
        if (!running) {
            return;
        }
        long requestNanos = System.nanoTime();
        inFlight.incrementAndGet();
        requests.increment();
        HttpRequest req = HttpRequest.newBuilder(s.uri).timeout(Duration.ofSeconds(5)).GET().build();
        client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
            long seen = System.nanoTime();
            responseTimes.recordNanos(seen - requestNanos);
            try {
                if (err != null || (resp.statusCode() != 200 && resp.statusCode() != 404)) {
                    errors.increment();
                } else if (resp.statusCode() == 200) {
                    s.onPlaylist(MediaPlaylist.parse(resp.body()), seen);
                }
            } catch (IllegalArgumentException e) {
                errors.increment();
            } finally {
                s.previousRequestNanos = requestNanos;
                inFlight.decrementAndGet();
                long delay = requestNanos + s.intervalNanos - System.nanoTime();
                if (running) {
                    timer.schedule(() -> poll(s), Math.max(0, delay), TimeUnit.NANOSECONDS);
                }
            }
        });
    }

    /** Stops scheduling polls and waits up to 6 s for those in flight. */
    public void stop() throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        timer.shutdownNow();
        httpThreads.shutdownNow();
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

    public int fastChannels() {
        return fastChannels;
    }

    /** Per-channel progress: what was seen last and the running sum of durations. */
    private final class ChannelState {
        private final int index;
        private final URI uri;
        private final long intervalNanos;
        private long lastSequence = -1;
        private long endMicros;
        private long previousRequestNanos;
        private boolean lostTrack;

        ChannelState(int index, URI uri, long intervalNanos) {
            this.index = index;
            this.uri = uri;
            this.intervalNanos = intervalNanos;
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
            }
        }
    }
}
