package io.livechannel.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the time a client takes to send a request, which an idle timeout cannot: one byte every few seconds
 * keeps a connection "active" forever (slow-loris). Sits right after the HTTP codec and closes the connection
 * when a deadline passes:
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
 * <p>Not sharable; confined to the channel's event loop.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);
    /** 128 kbit/s: slower than any uplink a publisher's tooling uploads from, fast enough to bound a trickle. */
    static final int MIN_BODY_BYTES_PER_SECOND = 16 * 1024;

    private final HttpLimits limits;
    private ScheduledFuture<?> deadline;
    /** Requests whose head was read and whose final answer is not written yet (pipelining allows several). */
    private int unanswered;
    private boolean readingBody;

    RequestDeadline(HttpLimits limits) {
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, limits.requestHeadTimeout(), "request head");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            unanswered++;
            readingBody = true;
            long declared = HttpUtil.isTransferEncodingChunked(request) ? limits.maxBodyBytes()
                    : Math.max(0, HttpUtil.getContentLength(request, 0L));
            arm(ctx, bodyTimeout(limits, declared), "request body");
        }
        if (msg instanceof LastHttpContent) {
            readingBody = false;
            if (unanswered == 0) {
                arm(ctx, limits.requestHeadTimeout(), "request head"); // answered before its body ended (413)
            } else {
                cancel();
            }
        }
        ctx.fireChannelRead(msg);
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
        unanswered = Math.max(0, unanswered - 1);
        if (unanswered == 0 && !readingBody && ctx.channel().isActive()) {
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
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
