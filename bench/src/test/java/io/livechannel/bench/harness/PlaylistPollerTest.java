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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poller against a real HTTP server (the JDK's) whose live playlists grow by one segment every few requests,
 * and which closes the connection after every third answer, as nginx does after {@code keepalive_requests}.
 */
class PlaylistPollerTest {
    private HttpServer server;
    private final AtomicInteger served = new AtomicInteger();

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

    /** Channel "c1" lists segments 0..n-1 with n = requests so far / 4 (at most 3 listed); "missing" is a 404. */
    private void answer(HttpExchange exchange) throws IOException {
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
        byte[] body = m3u8.toString().getBytes(StandardCharsets.US_ASCII);
        if (n % 3 == 0) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void everySegmentIsSeenOnceInOrderAcrossReconnectsAndA404IsNoError() throws Exception {
        int port = server.getAddress().getPort();
        PlaylistPoller poller = new PlaylistPoller(i -> "http://127.0.0.1:" + port + (i == 0 ? "/c1" : "/missing")
                + "/playlist.m3u8", 2, 1, Duration.ofMillis(2), Duration.ofMillis(50));
        poller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (poller.sightings().size() < 10 && System.nanoTime() < deadline) {
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
    }
}
