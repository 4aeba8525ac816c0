package io.livechannel.api;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a request may cost before it is answered, which neither an idle timeout nor a per-request size limit
 * can: one byte every few seconds keeps a connection "active" forever (slow-loris), and thousands of connections
 * each sending a large body fill the memory. Sits right after the HTTP codec.
 *
 * <p>Time: the connection is closed when a deadline passes:
 * <ol>
 *   <li>from the moment the connection may send a request (this handler is added, or the answer to the last
 *       request has been written) to a complete request head: {@link HttpLimits#requestHeadTimeout()}. The same
 *       deadline closes an idle keep-alive connection;</li>
 *   <li>from a complete head to the end of its body: the head timeout plus one second per
 *       {@value #MIN_BODY_BYTES_PER_SECOND} bytes of the declared length ({@link HttpLimits#maxBodyBytes()} for a
 *       chunked body);</li>
 *   <li>while the server works on a request or writes its answer: no deadline here (stalled downloads are
 *       closed by the idle timeout).</li>
 * </ol>
 * Interim {@code 1xx} answers (100-continue) do not end a request.
 *
 * <p>Memory: a request reserves its declared body length in the server's {@link BodyBudget} when its head arrives
 * and releases it once answered (or when the connection closes). A request that does not fit is answered 503
 * ServiceUnavailable (the SDKs back off and retry) and the connection is closed; its body is never read.
 *
 * <p>Not sharable; confined to the channel's event loop.
 */
final class RequestGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestGuard.class);
    /** 128 kbit/s: slower than any uplink a publisher's tooling uploads from, fast enough to bound a trickle. */
    static final int MIN_BODY_BYTES_PER_SECOND = 16 * 1024;

    private final HttpLimits limits;
    private final BodyBudget budget;
    private final ApiConfig config;
    private ScheduledFuture<?> deadline;
    /** The body reservation of each request read and not answered yet, oldest first (pipelining allows several). */
    private final ArrayDeque<Long> unanswered = new ArrayDeque<>();
    private boolean readingBody;
    /** After a refusal: everything the client still sends is dropped until the connection is closed. */
    private boolean refused;

    RequestGuard(ApiConfig config, BodyBudget budget) {
        this.config = config;
        this.limits = config.limits();
        this.budget = budget;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, limits.requestHeadTimeout(), "request head");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && !admit(ctx, request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof LastHttpContent) {
            readingBody = false;
            if (unanswered.isEmpty()) {
                arm(ctx, limits.requestHeadTimeout(), "request head"); // answered before its body ended (413)
            } else {
                cancel();
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Reserves the body of {@code request} and arms its body deadline; false (and answered) when over budget. */
    private boolean admit(ChannelHandlerContext ctx, HttpRequest request) {
        long declared = HttpUtil.isTransferEncodingChunked(request) ? limits.maxBodyBytes()
                : Math.max(0, Math.min(limits.maxBodyBytes(), HttpUtil.getContentLength(request, 0L)));
        if (!budget.tryReserve(declared)) {
            refused = true;
            cancel();
            log.debug("closing {}: {} request-body bytes in flight, no room for {} more",
                    ctx.channel().remoteAddress(), budget.reserved(), declared);
            OssException e = new OssException(OssErrorCode.SERVICE_UNAVAILABLE, "Please reduce your request rate.");
            FullHttpResponse answer = RequestHandler.errorMessage(e, request.headers().get("Host"), config);
            answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            return false;
        }
        unanswered.add(declared);
        readingBody = true;
        arm(ctx, bodyTimeout(limits, declared), "request body");
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim) {
            ChannelPromise p = promise.unvoid();
            p.addListener(f -> answered(ctx));
            ctx.write(msg, p);
            return;
        }
        ctx.write(msg, promise);
    }

    static Duration bodyTimeout(HttpLimits limits, long declaredBytes) {
        return limits.requestHeadTimeout().plusSeconds(
                (declaredBytes + MIN_BODY_BYTES_PER_SECOND - 1) / MIN_BODY_BYTES_PER_SECOND);
    }

    private void answered(ChannelHandlerContext ctx) {
        Long reservation = unanswered.poll();
        if (reservation != null) {
            budget.release(reservation);
        }
        if (unanswered.isEmpty() && !readingBody && ctx.channel().isActive()) {
            arm(ctx, limits.requestHeadTimeout(), "request head");
        }
    }

    private void arm(ChannelHandlerContext ctx, Duration timeout, String what) {
        cancel();
        deadline = ctx.executor().schedule(() -> {
            log.debug("closing {}: no complete {} within {} ms", ctx.channel().remoteAddress(), what,
                    timeout.toMillis());
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        cancel();
        for (Long reservation; (reservation = unanswered.poll()) != null; ) {
            budget.release(reservation);
        }
    }
}
