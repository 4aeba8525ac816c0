package io.livechannel.api;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.ObjectStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates API requests on one connection. Lifecycle of a request:
 * <ol>
 *   <li>event loop: parse the aggregated request into an {@link OssRequest} (addressing, query, copies of
 *       headers and body) and release Netty's message;</li>
 *   <li>event loop: a request for {@link ApiConfig#staticPages()} (the web console) is answered from memory;</li>
 *   <li>event loop, with {@link ApiConfig#memoryOnly()} stores: {@link ApiService#handleInMemory}; an object GET
 *       or HEAD (also {@code x-oss-process=hls/sign}) whose bucket, access key and bytes are all in memory is
 *       answered right here (live playlists),
 *       in one write; otherwise:</li>
 *   <li>storage executor: {@link ApiService#handle} (blocking catalog/store calls);</li>
 *   <li>event loop: write the response; an object body is streamed by {@link ObjectBodyWriter}.</li>
 * </ol>
 * Requests on one connection are answered in order: while one is in flight, later (pipelined) ones wait in a
 * queue of at most {@link HttpLimits#maxPendingRequests()}; past that the connection is closed. While one waits,
 * the connection stops reading, so pipelined bodies stay in the socket instead of in memory.
 *
 * <p>Keep-alive and {@code Connection: close} are left to {@link io.netty.handler.codec.http.HttpServerKeepAliveHandler}.
 *
 * <p>Not sharable; all fields are confined to the channel's event loop.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
    static final DateTimeFormatter HTTP_DATE = HttpDateCache.HTTP_DATE;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final HttpDateCache DATES = new HttpDateCache();

    private final ApiConfig config;
    private final ApiService service;
    private final ApiService inMemory;
    private final ArrayDeque<OssRequest> pending = new ArrayDeque<>();
    private boolean busy;
    private String remoteAddress;

    /** @param inMemory the service over memory-only stores, or {@code null} to run every request on the executor */
    RequestHandler(ApiConfig config, ApiService service, ApiService inMemory) {
        this.config = config;
        this.service = service;
        this.inMemory = inMemory;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        String requestId = newRequestId();
        OssRequest request;
        try {
            request = parse(ctx, msg, requestId);
        } catch (OssException e) {
            boolean head = msg.method().equals(HttpMethod.HEAD);
            String host = msg.headers().get(HttpHeaderNames.HOST, config.domains().get(0));
            ApiResponse error = ApiService.errorResponse(e, requestId, host);
            // A request we could not parse leaves the stream in an unknown state: answer and close.
            send(ctx, error, requestId, head).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (busy) {
            if (pending.size() >= config.limits().maxPendingRequests()) {
                log.debug("{} closing {}: more than {} pipelined requests", requestId, ctx.channel().remoteAddress(),
                        config.limits().maxPendingRequests());
                ctx.close();
                return;
            }
            pending.add(request);
            // Each queued request holds its body (up to maxBodyBytes): leave further ones in the socket.
            ctx.channel().config().setAutoRead(false);
            return;
        }
        dispatch(ctx, request);
    }

    private OssRequest parse(ChannelHandlerContext ctx, FullHttpRequest msg, String requestId) throws OssException {
        if (msg.decoderResult().isFailure()) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "Malformed HTTP request: " + msg.decoderResult().cause().getMessage());
        }
        String uri = msg.uri();
        String host = msg.headers().get(HttpHeaderNames.HOST);
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            // absolute-form (RFC 9112 §3.2.2), as sent through a proxy: the authority replaces Host
            int start = uri.indexOf("//") + 2;
            int slash = uri.indexOf('/', start);
            host = uri.substring(start, slash < 0 ? uri.length() : slash);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? null : uri.substring(q + 1);
        RequestTarget target = RequestTarget.resolve(host, rawPath, config.domains());
        QueryParameters query = QueryParameters.parse(rawQuery);
        byte[] body = ByteBufUtil.getBytes(msg.content());
        int localPort = ctx.channel().localAddress() instanceof InetSocketAddress local ? local.getPort() : 0;
        if (remoteAddress == null) {
            remoteAddress = String.valueOf(ctx.channel().remoteAddress());
        }
        return new OssRequest(msg.method(), target, query, new DefaultHttpHeaders().add(msg.headers()), body,
                new OssRequest.RequestContext(requestId, remoteAddress, localPort));
    }

    private void dispatch(ChannelHandlerContext ctx, OssRequest request) {
        busy = true;
        StaticPages pages = config.staticPages();
        if (pages != null && request.target().style() == AddressingStyle.PATH
                && pages.pathSegment().equals(request.bucket())) {
            respond(ctx, request, pages.answer(request));
            return;
        }
        ApiResponse fromMemory = inMemory == null ? null : inMemory.handleInMemory(request);
        if (fromMemory != null) {
            respondFromMemory(ctx, request, fromMemory);
            return;
        }
        CompletableFuture<ApiResponse> future;
        try {
            future = CompletableFuture.supplyAsync(() -> service.handle(request), config.storageExecutor());
        } catch (RejectedExecutionException e) {
            future = CompletableFuture.completedFuture(service.error(request,
                    new OssException(OssErrorCode.SERVICE_UNAVAILABLE, "Please reduce your request rate.")));
        }
        future.whenComplete((response, failure) -> {
            ApiResponse r = failure == null ? response : service.error(request,
                    new OssException(OssErrorCode.SERVICE_UNAVAILABLE, "Please reduce your request rate."));
            try {
                ctx.executor().execute(() -> respond(ctx, request, r));
            } catch (RejectedExecutionException e) {
                r.closeStream(); // event loop shut down: nobody will write this response
            }
        });
    }

    private void respond(ChannelHandlerContext ctx, OssRequest request, ApiResponse response) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (!ctx.channel().isActive()) {
            response.closeStream();
            return;
        }
        if (response.stream() != null && !head) {
            HttpResponse start = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
            start.headers().add(response.headers());
            addCommonHeaders(start, request.requestId(), config.clock());
            new ObjectBodyWriter(ctx, response.stream(), config.storageExecutor(), () -> next(ctx)).start(start);
            return;
        }
        response.closeStream();
        send(ctx, response, request.requestId(), head).addListener(f -> next(ctx));
    }

    /** Like {@link #respond}, for an answer whose object body (if any) is in memory: one write, no thread hop. */
    private void respondFromMemory(ChannelHandlerContext ctx, OssRequest request, ApiResponse response) {
        ObjectStream stream = response.stream();
        if (stream == null || request.method().equals(HttpMethod.HEAD)) {
            respond(ctx, request, response);
            return;
        }
        int length = (int) stream.contentLength();
        ByteBuf body = ctx.alloc().buffer(length);
        try {
            body.writeBytes(stream.content(), length); // reads an array: memory-only stores never hand out files
        } catch (IOException | RuntimeException e) {
            body.release();
            throw new IllegalStateException("reading an in-memory object failed", e);
        } finally {
            response.closeStream();
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), body);
        out.headers().add(response.headers());
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        addCommonHeaders(out, request.requestId(), config.clock());
        ctx.writeAndFlush(out).addListener(f -> next(ctx));
    }

    private io.netty.channel.ChannelFuture send(ChannelHandlerContext ctx, ApiResponse response, String requestId,
                                                boolean head) {
        byte[] body = response.body();
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        out.headers().add(response.headers());
        if (!out.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        if (head && response.status().code() >= 300 && body.length > 0) {
            // HEAD answers have no body: convey the error document in x-oss-err (wire spec §7.3)
            out.headers().set("x-oss-err", Base64.getEncoder().encodeToString(body));
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        addCommonHeaders(out, requestId, config.clock());
        return ctx.writeAndFlush(out);
    }

    private void next(ChannelHandlerContext ctx) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> next(ctx));
            return;
        }
        busy = false;
        OssRequest queued = pending.poll();
        if (pending.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
        if (queued != null && ctx.channel().isActive()) {
            dispatch(ctx, queued);
        }
    }

    /**
     * A complete answer carrying the error document of {@code e}, for handlers that refuse a request before it
     * reaches this one; {@code host} is the request's Host header (null: the first domain).
     */
    static FullHttpResponse errorMessage(OssException e, String host, ApiConfig config) {
        String requestId = newRequestId();
        ApiResponse error = ApiService.errorResponse(e, requestId, host == null ? config.domains().get(0) : host);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(),
                Unpooled.wrappedBuffer(error.body()));
        response.headers().add(error.headers());
        addCommonHeaders(response, requestId, config.clock());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, error.body().length);
        return response;
    }

    static void addCommonHeaders(HttpResponse response, String requestId, Clock clock) {
        response.headers()
                .set("x-oss-request-id", requestId)
                .set(HttpHeaderNames.DATE, DATES.format(clock.instant()))
                .set(HttpHeaderNames.SERVER, "livechannel");
    }

    /** 24 upper-case hex digits, the shape of OSS request ids. */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] id = new byte[24];
        long high = r.nextInt();
        long low = r.nextLong();
        for (int i = 7; i >= 0; i--, high >>>= 4) {
            id[i] = HEX[(int) (high & 0xF)];
        }
        for (int i = 23; i >= 8; i--, low >>>= 4) {
            id[i] = HEX[(int) (low & 0xF)];
        }
        return new String(id, StandardCharsets.US_ASCII);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.debug("closing idle connection {}", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        pending.clear();
        super.channelInactive(ctx);
    }
}
