package io.livechannel.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty transport of both listeners ({@code --transport}). Native epoll is what lets the RTMP side batch a
 * publisher's reads ({@code SO_RCVLOWAT}, see {@code io.livechannel.rtmp.session.ReadBatching}); the JDK's NIO
 * cannot set that option, so on NIO every message is read as it arrives. The jar carries epoll's native library
 * for Linux on x86-64 and arm64.
 */
public enum Transport {
    /** Native epoll where it loads, else NIO (the default). */
    AUTO,
    /** Native epoll; the server does not start where it cannot load. */
    EPOLL,
    /** The JDK's NIO selector, on every platform. */
    NIO;

    /** What {@code this} means on this machine: {@link #EPOLL} or {@link #NIO}. */
    Transport resolve() {
        return switch (this) {
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("--transport epoll: native epoll does not load here: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case NIO -> NIO;
        };
    }

    /** Why {@link #AUTO} chose NIO, for the log; null when epoll loads. */
    static String epollUnavailableReason() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? null : cause.toString();
    }

    /** The event loops' I/O handlers, for a resolved transport. */
    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
            case AUTO -> throw new IllegalStateException("resolve() first");
        };
    }

    /** The listening socket's channel class, for a resolved transport. */
    Class<? extends ServerChannel> serverChannelClass() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
            case AUTO -> throw new IllegalStateException("resolve() first");
        };
    }
}
