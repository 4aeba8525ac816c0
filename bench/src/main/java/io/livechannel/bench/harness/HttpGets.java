package io.livechannel.bench.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;

/** The keep-alive GETs the {@link PlaylistPoller} and its {@link SegmentViewer}s send: connection and request. */
final class HttpGets {
    private HttpGets() {
    }

    /** Connects to {@code uri}'s host; whole responses (at most {@code maxBytes}) go to {@code handler}. */
    static ChannelFuture connect(Bootstrap bootstrap, URI uri, int maxBytes, ChannelHandler handler) {
        return bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxBytes), handler);
            }
        }).connect(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    }

    /** A keep-alive GET of {@code uri}'s path and query. */
    static FullHttpRequest request(URI uri) {
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        req.headers().set(HttpHeaderNames.HOST, uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        return req;
    }
}
