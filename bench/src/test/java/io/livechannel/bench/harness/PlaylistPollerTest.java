package io.livechannel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poller against a real HTTP server (the JDK's) whose live playlists grow by one segment every few requests,
 * and which closes the connection after every third answer, as nginx does after {@code keepalive_requests}.
 * Segment {@code N.ts} is {@code 1000 + N} bytes, so the viewer's byte count says which segments it fetched.
 */
class PlaylistPollerTest {
    private HttpServer server;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger segmentsServed = new AtomicInteger();
    /** When set, segment requests wait for it (the JDK server's one thread, so playlists wait too). */
    private volatile CountDownLatch segmentGate;
    private final CountDownLatch segmentRequested = new CountDownLatch(1);
    /** This segment is answered 503. */
    private volatile int failingSegment = -1;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /**
     * Channel "c1" lists segments 0..n-1 with n = playlist requests so far / 4 (at most 3 listed); "missing" is a
     * 404.
     */
    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith(".ts")) {
            int segment = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1, path.length() - 3));
            segmentRequested.countDown();
            awaitGate();
            if (segment == failingSegment) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            reply(exchange, new byte[1000 + segment], segmentsServed.incrementAndGet());
            return;
        }
        int n = served.incrementAndGet();
        if (exchange.getRequestURI().getPath().startsWith("/missing")) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        int segments = n / 4;
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:" + Math.max(0, segments - 3) + "\n");
        for (int i = Math.max(0, segments - 3); i < segments; i++) {
            m3u8.append("#EXTINF:2.000,\n").append(i).append(".ts\n");
        }
        reply(exchange, m3u8.toString().getBytes(StandardCharsets.US_ASCII), n);
    }

    private void awaitGate() throws IOException {
        CountDownLatch gate = segmentGate;
        try {
            if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                throw new IOException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void reply(HttpExchange exchange, byte[] body, int n) throws IOException {
        if (n % 3 == 0) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void everySegmentIsSeenOnceInOrderAndFetchedOnceAcrossReconnectsAndA404IsNoError() throws Exception {
        int port = server.getAddress().getPort();
        PlaylistPoller poller = new PlaylistPoller(i -> "http://127.0.0.1:" + port + (i == 0 ? "/c1" : "/missing")
                + "/playlist.m3u8", 2, 1, Duration.ofMillis(2), Duration.ofMillis(50));
        poller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (poller.segmentFetches().fetched() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        poller.stop();

        List<SegmentSighting> seen = poller.sightings().stream().filter(s -> s.publisher() == 0).toList();
        assertThat(seen).hasSizeGreaterThanOrEqualTo(10);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i).sequence()).isEqualTo(i);
            assertThat(seen.get(i).endMediaMicros()).isEqualTo(2_000_000L * (i + 1));
        }
        assertThat(poller.errors()).isZero();
        assertThat(poller.gaps()).isZero();
        assertThat(poller.responseTimes().count()).isEqualTo(poller.requests());

        SegmentFetches fetches = poller.segmentFetches();
        long fetched = fetches.fetched();
        assertThat(fetched).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(seen.size());
        assertThat(fetches.errors()).isZero();
        assertThat(fetches.skipped()).isZero();
        assertThat(fetches.bytes()).as("segments 0..%d, each once", fetched - 1)
                .isEqualTo(1000 * fetched + fetched * (fetched - 1) / 2);
        assertThat(segmentsServed.get()).as("served, a last fetch in flight at stop included")
                .isBetween((int) fetched, (int) fetched + 1);
    }

    @Test
    void segmentsListedBeforeTheStopAreFetchedBeforeItReturnsNotCountedAsFailures() throws Exception {
        segmentGate = new CountDownLatch(1);
        int port = server.getAddress().getPort();
        PlaylistPoller poller = new PlaylistPoller(i -> "http://127.0.0.1:" + port + "/c1/playlist.m3u8", 1, 1,
                Duration.ofMillis(2), Duration.ofMillis(50));
        poller.start();
        assertThat(segmentRequested.await(20, TimeUnit.SECONDS)).as("a segment fetch in flight").isTrue();
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(300); // the stop has begun: the fetch is still in flight then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            segmentGate.countDown();
        });
        opener.start();
        poller.stop();
        opener.join();

        SegmentFetches fetches = poller.segmentFetches();
        assertThat(fetches.errors()).as("fetches in flight at the stop").isZero();
        assertThat(fetches.fetched()).isPositive().isEqualTo(segmentsServed.get());
    }

    @Test
    void aSegmentAnsweredWithAnotherStatusIsAFailedFetchAndTheNextOnesGoOn() throws Exception {
        failingSegment = 2;
        int port = server.getAddress().getPort();
        PlaylistPoller poller = new PlaylistPoller(i -> "http://127.0.0.1:" + port + "/c1/playlist.m3u8", 1, 1,
                Duration.ofMillis(2), Duration.ofMillis(50));
        poller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (poller.segmentFetches().fetched() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        poller.stop();

        SegmentFetches fetches = poller.segmentFetches();
        assertThat(fetches.errors()).isEqualTo(1);
        assertThat(fetches.fetched()).isGreaterThanOrEqualTo(6).isEqualTo(segmentsServed.get());
    }
}
