package io.livechannel.server;

import io.livechannel.api.ApiChannelInitializer;
import io.livechannel.rtmp.RtmpChannelInitializer;
import io.livechannel.server.portsharing.ProtocolSniffer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the running server from a {@link ServerConfig}: the event loops, the HTTP listener (which also
 * accepts RTMP, see {@link ProtocolSniffer}) and the RTMP listener. The only class that knows every module.
 *
 * <p>Threads: one acceptor thread, {@code 2 × cores} event-loop threads shared by HTTP and RTMP connections.
 */
public final class Wiring implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private final ServerConfig config;
    private final BootstrapCredentials.Result credentials;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private Channel httpChannel;
    private Channel rtmpChannel;

    private Wiring(ServerConfig config, BootstrapCredentials.Result credentials) {
        this.config = config;
        this.credentials = credentials;
        this.acceptGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.ioGroup = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    }

    /** Creates the data dir and the bootstrap key when missing, then binds both listeners. */
    public static Wiring start(ServerConfig config, SecureRandom random) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        Wiring wiring = new Wiring(config, BootstrapCredentials.resolve(config, random));
        try {
            wiring.bind();
        } catch (IOException | InterruptedException | RuntimeException e) {
            wiring.close();
            throw e;
        }
        return wiring;
    }

    private void bind() throws IOException, InterruptedException {
        ApiChannelInitializer api = new ApiChannelInitializer();
        RtmpChannelInitializer rtmp = new RtmpChannelInitializer();
        httpChannel = listen(config.httpPort(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("sniffer", new ProtocolSniffer(api::addHandlers, rtmp::addHandlers));
            }
        });
        log.info("HTTP API listening on {}:{} (RTMP accepted here too)", config.bind(), httpPort());
        rtmpChannel = listen(config.rtmpPort(), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                rtmp.addHandlers(ch.pipeline());
            }
        });
        log.info("RTMP ingest listening on {}:{}", config.bind(), rtmpPort());
    }

    private Channel listen(int port, ChannelInitializer<SocketChannel> initializer)
            throws IOException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        var future = bootstrap.bind(new InetSocketAddress(config.bind(), port)).await();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + config.bind() + ":" + port + ": "
                    + future.cause().getMessage(), future.cause());
        }
        return future.channel();
    }

    /** The HTTP port actually bound (differs from the config when that asked for 0). */
    public int httpPort() {
        return ((InetSocketAddress) httpChannel.localAddress()).getPort();
    }

    public int rtmpPort() {
        return ((InetSocketAddress) rtmpChannel.localAddress()).getPort();
    }

    /**
     * What a user needs next, printed once on start and ended by an empty line; the secret appears only when it
     * was just generated.
     */
    public String startupBanner(String version) {
        String host = config.primaryDomain();
        StringBuilder sb = new StringBuilder();
        sb.append("livechannel ").append(version).append(" is running\n");
        sb.append("  HTTP API     http://").append(host).append(':').append(httpPort()).append('\n');
        sb.append("  RTMP ingest  rtmp://").append(host).append(':').append(rtmpPort())
                .append("/live/<channel>   (also on port ").append(httpPort()).append(")\n");
        sb.append("  bucket       ").append(config.bucket()).append(" (").append(config.bucketAcl()).append(")\n");
        sb.append("  access key   ").append(credentials.id()).append('\n');
        if (credentials.generated()) {
            sb.append("  secret       ").append(credentials.secret())
                    .append("   (generated now, shown once; kept in ")
                    .append(config.dataDir().resolve(BootstrapCredentials.FILE_NAME)).append(")\n");
        }
        return sb.append('\n').toString();
    }

    /** Stops accepting, closes connections and releases the event loops; safe to call twice. */
    @Override
    public void close() {
        if (httpChannel != null) {
            httpChannel.close().awaitUninterruptibly();
        }
        if (rtmpChannel != null) {
            rtmpChannel.close().awaitUninterruptibly();
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        ioGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        log.info("stopped");
    }
}
