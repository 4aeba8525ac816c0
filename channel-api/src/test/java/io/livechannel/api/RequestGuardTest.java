package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RequestGuard}: slow-loris senders and idle keep-alive connections are closed, requests being answered
 * are not; bodies past the server's budget are refused. Socket tests run against the real API with a 300 ms head timeout; the in-flight rules run on an
 * {@link EmbeddedChannel} with its fake clock.
 */
class RequestGuardTest {
    static final Duration HEAD_TIMEOUT = Duration.ofMillis(300);
    static final HttpLimits LIMITS = HttpLimits.DEFAULTS.withRequestHeadTimeout(HEAD_TIMEOUT);
    /** Only guards against a hang: every close asserted here comes much sooner. */
    static final int SOCKET_GUARD_MILLIS = 10_000;
    static final String GET = "GET /examplebucket/missing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @TempDir
    Path dir;
    ObjectStore objects;
    MetadataStore metadata;

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (ApiTestServer server = new ApiTestServer(dir, Clock.systemUTC(), LIMITS);
             Socket socket = connect(server)) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void slowLorisIsClosedBeforeItsHeadIsComplete() throws Exception {
        byte[] head = ("GET /examplebucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(200)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (ApiTestServer server = new ApiTestServer(dir, Clock.systemUTC(), LIMITS);
             Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            AtomicInteger sent = new AtomicInteger();
            trickle.scheduleAtFixedRate(() -> { // one byte every 50 ms: the whole head would take 12 s
                try {
                    out.write(head[sent.get()]);
                    out.flush();
                    sent.incrementAndGet();
                } catch (Exception e) {
                    throw new IllegalStateException(e); // the server closed: stop
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            assertThat(sent.get()).isLessThan(head.length);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsAnswers() throws Exception {
        try (ApiTestServer server = new ApiTestServer(dir, Clock.systemUTC(), LIMITS);
             Socket socket = connect(server)) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) { // requests sent in time keep the connection
                socket.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponse(in)).startsWith("HTTP/1.1 403");
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aRequestBeingAnsweredIsNeverCutByTheDeadline() {
        EmbeddedChannel ch = new EmbeddedChannel(guard(LIMITS));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/b/k"));
        ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        ch.advanceTimeBy(10, TimeUnit.MINUTES); // the server works, then streams a long download
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();

        ch.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.writeOutbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[] {1})));
        ch.advanceTimeBy(HEAD_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("the next request may still come").isTrue();
        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("idle keep-alive connection closed").isFalse();
        releaseAll(ch);
    }

    @Test
    void aContinueAnswerDoesNotEndTheRequestAndABodyGetsTimeByItsLength() {
        EmbeddedChannel ch = new EmbeddedChannel(guard(LIMITS));
        DefaultHttpRequest put = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/b/k");
        put.headers().set("Content-Length", 10 * RequestGuard.MIN_BODY_BYTES_PER_SECOND);
        ch.writeInbound(put);
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ch.advanceTimeBy(HEAD_TIMEOUT.toMillis() + 9_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("within head timeout + 10 s for the body").isTrue();
        ch.advanceTimeBy(1_001, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("a body trickling slower than the minimum rate").isFalse();
        releaseAll(ch);
    }

    @Test
    void aBrokenRequestIsStillAnsweredAndCounted() {
        EmbeddedChannel ch = new EmbeddedChannel(guard(LIMITS));
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad")); // head + end
        ch.advanceTimeBy(1, TimeUnit.MINUTES);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST));
        ch.advanceTimeBy(HEAD_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        releaseAll(ch);
    }

    @Test
    void bodiesPastTheServersBudgetAre503AndTheirPlaceComesBackWhenAnswered() {
        HttpLimits limits = LIMITS.withMaxBodyBytesInFlight(HttpLimits.DEFAULT_MAX_BODY_BYTES + 1000);
        BodyBudget budget = new BodyBudget(limits.maxBodyBytesInFlight());
        EmbeddedChannel first = new EmbeddedChannel(new RequestGuard(config(limits), budget));
        EmbeddedChannel second = new EmbeddedChannel(new RequestGuard(config(limits), budget));
        first.writeInbound(put(HttpLimits.DEFAULT_MAX_BODY_BYTES));
        assertThat(budget.reserved()).isEqualTo(HttpLimits.DEFAULT_MAX_BODY_BYTES);

        second.writeInbound(put(2000));
        FullHttpResponse refusal = second.readOutbound();
        assertThat(refusal.status().code()).isEqualTo(503);
        assertThat(refusal.content().toString(StandardCharsets.UTF_8)).contains("<Code>ServiceUnavailable</Code>");
        refusal.release();
        assertThat(second.isOpen()).isFalse();
        assertThat((Object) second.readInbound()).as("the refused request goes no further").isNull();

        first.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        assertThat(budget.reserved()).as("released once answered").isZero();
        EmbeddedChannel third = new EmbeddedChannel(new RequestGuard(config(limits), budget));
        third.writeInbound(put(2000));
        assertThat(third.isOpen()).isTrue();
        third.close();
        assertThat(budget.reserved()).as("released when the connection closes").isZero();
        releaseAll(first);
        releaseAll(second);
        releaseAll(third);
    }

    private static DefaultHttpRequest put(long contentLength) {
        DefaultHttpRequest put = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/examplebucket/k");
        put.headers().set("Content-Length", contentLength);
        return put;
    }

    private RequestGuard guard(HttpLimits limits) {
        return new RequestGuard(config(limits), new BodyBudget(limits.maxBodyBytesInFlight()));
    }

    /** The guard only renders refusals with it; the stores are real but never used. */
    private ApiConfig config(HttpLimits limits) {
        return ApiConfig.builder().domains(List.of(ApiTestServer.DOMAIN)).stores(objects, metadata)
                .storageExecutor(Runnable::run).limits(limits).build();
    }

    @BeforeEach
    void openStores() throws Exception {
        objects = new FileSystemObjectStore(dir.resolve("objects"), Clock.systemUTC());
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
    }

    @AfterEach
    void closeStores() {
        metadata.close();
        objects.close();
    }

    private static void releaseAll(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readInbound()) != null || (m = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
    }

    private static Socket connect(ApiTestServer server) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(SOCKET_GUARD_MILLIS);
        return socket;
    }

    /** Reads one response with a Content-Length body; returns its head. */
    static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new SocketTimeoutException("closed inside a response head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = text.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
        in.readNBytes(length);
        return text;
    }
}
