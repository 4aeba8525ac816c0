package io.livechannel.api;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator with an OSS answer for bodies over the limit: 400 {@code EntityTooLarge} as an XML error
 * document (as OSS answers, instead of a bare 413). On a keep-alive connection the rest of the body is read and
 * discarded (never buffered) and the connection stays usable; otherwise it is closed after the answer. The limit
 * is checked on {@code Content-Length} before any byte is buffered, and while a chunked body grows.
 */
final class BodyAggregator extends HttpObjectAggregator {
    private final ApiConfig config;

    BodyAggregator(int maxBodyBytes, ApiConfig config) {
        super(maxBodyBytes);
        this.config = config;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        OssException e = new OssException(OssErrorCode.ENTITY_TOO_LARGE, "Your proposed upload exceeds the maximum "
                + "allowed size of " + maxContentLength() + " bytes.");
        FullHttpResponse response = RequestHandler.errorMessage(e, oversized.headers().get("Host"), config);
        if (oversized instanceof HttpRequest request && HttpUtil.isKeepAlive(request)) {
            // Keep reading: the aggregator discards the rest of this body without buffering it. Closing now
            // would reset the connection under a client still sending, and it could lose this answer.
            ctx.writeAndFlush(response);
        } else {
            response.headers().set("Connection", "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
