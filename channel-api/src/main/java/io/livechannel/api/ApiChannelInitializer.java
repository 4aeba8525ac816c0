package io.livechannel.api;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/** Adds the HTTP API handlers to a connection's pipeline (on the HTTP port, after protocol sniffing). */
public final class ApiChannelInitializer {
    /** Largest request body accepted (PutLiveChannel XML, small PutObject); larger gets EntityTooLarge. */
    static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

    /** Appends the HTTP codec and the request handler to {@code pipeline}. */
    public void addHandlers(ChannelPipeline pipeline) {
        pipeline.addLast("http-codec", new HttpServerCodec());
        pipeline.addLast("http-keepalive", new HttpServerKeepAliveHandler());
        pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_BODY_BYTES));
        pipeline.addLast("api", new RequestHandler());
    }
}
