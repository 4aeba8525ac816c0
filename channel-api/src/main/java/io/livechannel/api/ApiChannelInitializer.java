package io.livechannel.api;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Adds the HTTP API handlers to a connection's pipeline; the server's protocol sniffer calls
 * {@link #addHandlers} on the HTTP port. One instance serves every connection.
 *
 * <p>Pipeline: {@code http-idle} (closes a connection idle for {@link HttpLimits#idleTimeout()}) →
 * {@code http-codec} (limits from {@link HttpLimits}) → {@code http-guard} ({@link RequestGuard}: a
 * complete request head within {@link HttpLimits#requestHeadTimeout()}, a body at a minimum rate, bodies of all
 * connections within {@link HttpLimits#maxBodyBytesInFlight()}) →
 * {@code http-keepalive} →
 * {@code http-aggregator} (bodies up to {@link HttpLimits#maxBodyBytes()}, larger: 413 EntityTooLarge) →
 * {@code api} ({@link RequestHandler}: parse on the event loop, answer object reads found in memory there, run
 * other operations on the storage executor, write back on the event loop, stream object bodies in pieces).
 *
 * <p>Threading: {@link #addHandlers} may be called from any event loop; the initializer is immutable.
 */
public final class ApiChannelInitializer {
    private final ApiConfig config;
    private final ApiService service;
    private final ApiService inMemory;
    private final BodyBudget bodyBudget;

    public ApiChannelInitializer(ApiConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.service = new ApiService(config);
        this.inMemory = config.memoryOnly() == null ? null : new ApiService(config.onMemoryOnlyStores());
        this.bodyBudget = new BodyBudget(config.limits().maxBodyBytesInFlight());
    }

    /** API requests refused since start because the storage was full (a 500 saying so). */
    public long storageFullFailures() {
        return service.storageFullFailures();
    }

    /** Appends the HTTP codec and the request handler to {@code pipeline}. */
    public void addHandlers(ChannelPipeline pipeline) {
        HttpLimits limits = config.limits();
        pipeline.addLast("http-idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        pipeline.addLast("http-codec", new HttpServerCodec(limits.maxInitialLineBytes(), limits.maxHeaderBytes(),
                8192));
        pipeline.addLast("http-guard", new RequestGuard(config, bodyBudget));
        pipeline.addLast("http-keepalive", new HttpServerKeepAliveHandler());
        pipeline.addLast("http-aggregator", new BodyAggregator(limits.maxBodyBytes(), config));
        pipeline.addLast("api", new RequestHandler(config, service, inMemory));
    }
}
