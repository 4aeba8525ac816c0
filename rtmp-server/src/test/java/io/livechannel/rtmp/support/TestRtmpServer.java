package io.livechannel.rtmp.support;

import io.livechannel.rtmp.RtmpChannelInitializer;
import io.livechannel.rtmp.RtmpConfig;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Netty server on a free loopback port with only the RTMP pipeline, as the server's RTMP port has it. */
public final class TestRtmpServer implements AutoCloseable {
    public static final String BUCKET = "examplebucket";
    public static final String KEY_ID = "LTAIexampleAK";
    public static final String SECRET = "exampleSecretKey123";

    /** {@code -Dcapture=<file>} appends every client byte to the file: how the test vectors were captured. */
    private static final String CAPTURE = System.getProperty("capture");
    public final MutableClock clock = new MutableClock();
    public final PublisherRegistry registry = new PublisherRegistry();
    public final RecordingSink.Listener listener = new RecordingSink.Listener();
    public final ExecutorService storageIo = Executors.newFixedThreadPool(2);
    public final InMemoryPushAuthorizer authorizer = new InMemoryPushAuthorizer(clock, BUCKET, storageIo);
    /** Native epoll where it loads, as the server's default transport chooses: read batching then applies. */
    public static final boolean EPOLL = Epoll.isAvailable();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
            EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    private final Channel server;
    /** Every accepted connection, in order. */
    public final BlockingQueue<Channel> connections = new LinkedBlockingQueue<>();

    public TestRtmpServer(RtmpLimits limits) throws InterruptedException {
        authorizer.addKey(KEY_ID, SECRET);
        RtmpChannelInitializer rtmp = new RtmpChannelInitializer(
                new RtmpConfig(limits, authorizer, listener, registry, Set.of("rtmp.example.test"), clock));
        server = new ServerBootstrap().group(group)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (CAPTURE != null) {
                            ch.pipeline().addLast(new InboundCapture(Path.of(CAPTURE)));
                        }
                        rtmp.addHandlers(ch.pipeline());
                        connections.add(ch);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() throws Exception {
        registry.closeAll().get(5, TimeUnit.SECONDS);
        server.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        storageIo.shutdownNow();
    }
}
