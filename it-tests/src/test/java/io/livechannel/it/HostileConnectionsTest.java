package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.RunningServer;
import io.livechannel.it.support.StoreBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 29 finding 3 against the real jar: connections that send nothing, trickle a request head or idle between
 * requests are closed, and the connection caps (in all, per client address, both ports counted together) refuse
 * connections past them at accept, without stopping a publisher or a player on another address. Attackers connect
 * from other loopback addresses (127.0.0.2, ...), which Linux routes like 127.0.0.1. Timeouts are set small so the
 * test takes seconds.
 */
class HostileConnectionsTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    static final int PER_ADDRESS = 20;
    /** Guards reads against a hang; every close expected here comes much sooner. */
    static final int SOCKET_GUARD_MILLIS = 8_000;
    /** An RTMP C0 (version 3) and C1 (time, zero, 1528 bytes): the server answers S0 S1 S2. */
    static final byte[] C0_C1 = new byte[1 + 1536];

    static {
        C0_C1[0] = 3;
    }

    @Test
    void anAddressAtItsCapIsRefusedWhileAPublisherFromAnotherKeepsStoringSegments() throws Exception {
        try (Deployment d = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir().resolve("server"),
                "--max-connections-per-address", String.valueOf(PER_ADDRESS), "--metrics-port", "0")) {
            d.oss().createLiveChannel(new CreateLiveChannelRequest(Deployment.BUCKET, "cam1", "", LiveChannelStatus.Enabled,
                    new LiveChannelTarget("HLS", 1, 3, "playlist.m3u8")));
            String url = d.signedPushUrl(Deployment.BUCKET, "cam1", "playlist.m3u8", Duration.ofHours(1));
            List<Socket> held = new ArrayList<>();
            try (Push push = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
                List<String> before = Polling.await("a first segment", Duration.ofSeconds(20),
                        () -> d.segmentKeys(Deployment.BUCKET, "cam1"), keys -> !keys.isEmpty());
                for (int i = 0; i < PER_ADDRESS; i++) { // admitted: each gets its handshake answer
                    Socket s = connect("127.0.0.2", d.server().rtmpPort());
                    held.add(s);
                    s.getOutputStream().write(C0_C1);
                    assertThat(s.getInputStream().read()).as("S0 to connection %d", i).isEqualTo(3);
                }
                for (int i = 0; i < 5; i++) { // past the cap, on either port: closed before any answer
                    assertClosedWithoutAnswer("127.0.0.2", d.server().rtmpPort(), C0_C1);
                    assertClosedWithoutAnswer("127.0.0.2", d.server().httpPort(), get("/live/cam1/playlist.m3u8"));
                }
                assertThat(d.server().metric("livechannel_connections_refused_total")).isEqualTo(10);
                assertThat(d.serverLogLines("refused: " + PER_ADDRESS + " connections from 127.0.0.2 are open"))
                        .hasSize(1); // one line per interval, however many are refused
                assertThat(d.getPublic(Deployment.BUCKET, "cam1/playlist.m3u8")).as("a player on 127.0.0.1")
                        .isPresent();
                Polling.await("new segments while the attacker holds its cap", Duration.ofSeconds(20),
                        () -> d.segmentKeys(Deployment.BUCKET, "cam1"), keys -> keys.size() >= before.size() + 2);
                assertThat(push.isAlive()).as("the publisher is still pushing; its log:\n%s", push.log()).isTrue();
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theTotalCapCountsBothPortsAndAClosedConnectionFreesItsPlace() throws Exception {
        try (RunningServer server = RunningServer.start(run.testDir().resolve("data"), "--max-connections", "3")) {
            List<Socket> held = new ArrayList<>();
            try {
                for (String address : List.of("127.0.0.3", "127.0.0.4", "127.0.0.5")) {
                    Socket s = connect(address, server.rtmpPort());
                    held.add(s);
                    s.getOutputStream().write(C0_C1);
                    assertThat(s.getInputStream().read()).isEqualTo(3);
                }
                assertClosedWithoutAnswer("127.0.0.6", server.httpPort(), get("/live/x"));
                held.remove(0).close();
                String answer = Polling.awaitTolerating("an HTTP request admitted again", Duration.ofSeconds(10),
                        () -> exchange(server.httpPort(), "/live/x"), a -> !a.isEmpty());
                assertThat(answer).startsWith("HTTP/1.1 403");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            assertThat(server.stderr()).anyMatch(l -> l.contains("refused: the server's 3 connections are open"));
        }
    }

    @Test
    void silentTricklingAndIdleKeepAliveConnectionsAreClosed() throws Exception {
        try (RunningServer server = RunningServer.start(run.testDir().resolve("data"),
                "--first-byte-timeout-ms", "500", "--request-head-timeout-ms", "1000")) {
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                silent.add(connect("127.0.0.7", server.httpPort()));
            }
            for (Socket s : silent) {
                assertThat(s.getInputStream().read()).as("a connection that sent nothing").isEqualTo(-1);
                s.close();
            }

            byte[] head = ("GET /live/key HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(100) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            try (Socket slow = connect("127.0.0.8", server.httpPort())) {
                AtomicInteger sent = new AtomicInteger();
                trickle.scheduleAtFixedRate(() -> { // a byte every 100 ms: the head would take 15 s
                    try {
                        slow.getOutputStream().write(head[sent.get()]);
                        sent.incrementAndGet();
                    } catch (IOException e) {
                        throw new IllegalStateException(e); // closed by the server: stop
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                assertThat(slow.getInputStream().read()).as("slow-loris closed without an answer").isEqualTo(-1);
                assertThat(sent.get()).isLessThan(head.length);
            } finally {
                trickle.shutdownNow();
            }

            try (Socket keepAlive = connect("127.0.0.9", server.httpPort())) {
                keepAlive.getOutputStream().write(get("/live/key"));
                assertThat(readResponse(keepAlive.getInputStream())).startsWith("HTTP/1.1 403");
                assertThat(keepAlive.getInputStream().read()).as("idle after its answer").isEqualTo(-1);
            }
        }
    }

    /** A connection to the server on loopback from the local address {@code from}, reads guarded by a timeout. */
    static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_GUARD_MILLIS);
        s.setSoTimeout(SOCKET_GUARD_MILLIS);
        return s;
    }

    /** Connects and sends {@code request}: the server must close the connection without answering a byte. */
    private static void assertClosedWithoutAnswer(String from, int port, byte[] request) throws IOException {
        try (Socket s = connect(from, port)) {
            int first;
            try {
                s.getOutputStream().write(request);
                first = s.getInputStream().read();
            } catch (SocketException e) {
                first = -1; // reset: the server closed before (or while) the request arrived
            }
            assertThat(first).as("connection to port %d from %s closed without an answer", port, from).isEqualTo(-1);
        }
    }

    private static byte[] get(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The response head to a GET on a new connection, or "" when the server closed it first. */
    private static String exchange(int port, String path) throws IOException {
        try (Socket s = connect("127.0.0.6", port)) {
            s.getOutputStream().write(get(path));
            return readResponse(s.getInputStream());
        }
    }

    /** Reads one response (head and its Content-Length body); returns the head, "" if closed before one. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        in.readNBytes(text.lines().filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                .mapToInt(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElse(0));
        return text;
    }
}
