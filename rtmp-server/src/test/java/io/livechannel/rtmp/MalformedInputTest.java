package io.livechannel.rtmp;

import static io.livechannel.rtmp.support.TestRtmpServer.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.livechannel.rtmp.support.TestRtmpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Hostile bytes on a real socket: the connection is closed with one log line, and the server keeps serving. */
class MalformedInputTest {
    private TestRtmpServer server;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        server = new TestRtmpServer(RtmpLimits.defaults());
        server.authorizer.putChannel(BUCKET, "cam", true);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        root.detachAppender(logs);
        server.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until the server closes; fails (SocketTimeoutException) if it never does. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain S0S1S2 and any reply
            }
        } catch (SocketException reset) {
            // closed with unread input pending: RST instead of FIN, also a close
        }
    }

    /** The simple handshake, done by hand; returns the connected socket ready for chunks. */
    private Socket handshake() throws IOException {
        Socket socket = connect();
        OutputStream out = socket.getOutputStream();
        out.write(3);
        out.write(new byte[1536]); // C1: time 0, zero field: simple handshake
        InputStream in = socket.getInputStream();
        assertThat(in.readNBytes(1 + 2 * 1536)).hasSize(1 + 2 * 1536);
        out.write(new byte[1536]); // C2
        return socket;
    }

    private boolean logged(String text) {
        return logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
    }

    /** A second, well-behaved client completes the handshake and connect: the server is healthy. */
    private void assertServerStillServes() throws IOException {
        try (Socket socket = handshake()) {
            byte[] connect = HexFormat.of().parseHex(("03 000000 000023 14 00000000" // fmt 0 csid 3; len 35; command
                    + " 02 0007 636f6e6e656374"                                // "connect"
                    + " 00 3ff0000000000000"                                   // transaction id 1
                    + " 03 0003 617070 02 0004 6c697665 0000 09")              // {app: "live"}
                    .replace(" ", ""));
            socket.getOutputStream().write(connect);
            byte[] reply = socket.getInputStream().readNBytes(12 + 4); // Window Acknowledgement Size, chunk stream 2
            assertThat(reply[7]).isEqualTo((byte) 5);
        }
    }

    @Test
    void garbageInsteadOfAHandshakeIsClosedAndLogged() throws Exception {
        try (Socket socket = connect()) {
            byte[] garbage = new byte[4096];
            new Random(3).nextBytes(garbage);
            garbage[0] = 0x47; // not version 3
            socket.getOutputStream().write(garbage);
            assertClosedByServer(socket);
        }
        assertThat(logged("BAD_HANDSHAKE")).isTrue();
        assertServerStillServes();
    }

    @Test
    void truncatedHandshakeFollowedByHangupLeavesTheServerHealthy() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(new byte[] {3, 0, 0, 0}); // C0 and 3 bytes of C1
        }
        assertServerStillServes();
    }

    @Test
    void oversizedMessageAfterTheHandshakeIsClosedAndLogged() throws Exception {
        try (Socket socket = handshake()) {
            // fmt 0 csid 6; ts 0; length 16777215; video; msid 1: refused before any payload is buffered
            socket.getOutputStream().write(HexFormat.of().parseHex("06000000ffffff0901000000"));
            assertClosedByServer(socket);
        }
        assertThat(logged("MESSAGE_TOO_LARGE")).isTrue();
        assertThat(logged("message length 16777215 exceeds maxMessageSizeBytes 8388608")).isTrue();
        assertServerStillServes();
    }

    @Test
    void randomChunksAfterTheHandshakeAreClosedAndLogged() throws Exception {
        try (Socket socket = handshake()) {
            byte[] garbage = new byte[64 * 1024];
            new Random(5).nextBytes(garbage);
            garbage[0] = (byte) 0x43; // fmt 1 on a chunk stream that never started
            try {
                socket.getOutputStream().write(garbage);
            } catch (SocketException closedWhileWriting) {
                // the server may close before all of it is written
            }
            assertClosedByServer(socket);
        }
        assertThat(logged("protocol error BAD_CHUNK")).isTrue();
        assertServerStillServes();
    }

    @Test
    void commandWithMalformedAmfIsClosedAndLogged() throws Exception {
        try (Socket socket = handshake()) {
            // fmt 0 csid 3; len 4; command (20); msid 0; body: string marker with length 0x7fff but 1 byte
            socket.getOutputStream().write(HexFormat.of().parseHex("03000000000004140000000002 7fff 61".replace(" ", "")));
            assertClosedByServer(socket);
        }
        assertThat(logged("BAD_AMF")).isTrue();
        assertServerStillServes();
    }
}
