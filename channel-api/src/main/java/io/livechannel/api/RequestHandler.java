package io.livechannel.api;

import io.livechannel.api.error.ErrorResponses;
import io.livechannel.api.error.OssErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** Answers every request; until routing exists, every request is refused with AccessDenied. */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String requestId = newRequestId();
        byte[] body = ErrorResponses.render(OssErrorCode.ACCESS_DENIED,
                "Anonymous access is forbidden for this operation.", requestId,
                request.headers().get(HttpHeaderNames.HOST, ""));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(OssErrorCode.ACCESS_DENIED.httpStatus()), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/xml")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("x-oss-request-id", requestId)
                .set(HttpHeaderNames.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(response);
    }

    private static String newRequestId() {
        return String.format("%024X", ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
