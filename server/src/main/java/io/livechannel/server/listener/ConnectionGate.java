package io.livechannel.server.listener;

import io.livechannel.api.FailureLogThrottle;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps concurrent connections over both listeners, in all and per client address, so that idle or hostile
 * connections cannot take every file descriptor (and with them the ingest of publishers already live, and the
 * writes of their segments). A connection past a cap is closed as soon as it is accepted, before any byte is read;
 * one WARN line per {@link FailureLogThrottle#INTERVAL} says how many were refused.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><td>{@code maxConnections}</td><td>{@value #DEFAULT_MAX_CONNECTIONS}, lowered at start to what the file
 *       limit allows ({@link #fitToFileLimit})</td><td>RTMP and HTTP connections together</td></tr>
 *   <tr><td>{@code maxPerAddress}</td><td>{@value #DEFAULT_MAX_PER_ADDRESS} (no cap)</td><td>from one client IP
 *       address; off by default because behind a load balancer, a CDN or a NAT every player and publisher shares
 *       one address, and the total cap with the idle deadlines already keeps descriptors from running out</td></tr>
 * </table>
 *
 * <p>Thread-safe: {@link #admit} runs on the event loops of new connections, releases on the loops that close them.
 */
public final class ConnectionGate {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** {@code maxPerAddress} that caps nothing: connections are counted in the total only. */
    public static final int NO_ADDRESS_CAP = 0;
    public static final int DEFAULT_MAX_PER_ADDRESS = NO_ADDRESS_CAP;
    /**
     * Descriptors kept for everything but client sockets: the catalog and its WAL, segments being written, the
     * jar, the listeners, the metrics endpoint.
     */
    static final long RESERVED_FILES = 256;
    /** A connection may hold a second descriptor: the object file a GET streams. */
    static final int FILES_PER_CONNECTION = 2;

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final FailureLogThrottle refusalLog;

    public ConnectionGate(int maxConnections, int maxPerAddress, Clock clock) {
        if (maxConnections < 1 || maxPerAddress < NO_ADDRESS_CAP) {
            throw new IllegalArgumentException("connection caps must be positive (per address: 0 for none): "
                    + maxConnections + ", " + maxPerAddress);
        }
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.refusalLog = new FailureLogThrottle(clock);
    }

    /**
     * The most connections {@code openFileLimit} descriptors can serve: each may stream a file besides its socket,
     * and {@value #RESERVED_FILES} stay for the server's own files; at least 1.
     */
    public static int fitToFileLimit(int maxConnections, long openFileLimit) {
        long fit = (openFileLimit - RESERVED_FILES) / FILES_PER_CONNECTION;
        return (int) Math.max(1, Math.min(maxConnections, fit));
    }

    /**
     * Counts {@code channel} in, or closes it when a cap is reached; call once per accepted connection, before its
     * protocol handlers are added. The count is released when the channel closes.
     *
     * @return whether the connection was admitted
     */
    public boolean admit(Channel channel) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refuse(channel, "the server's " + maxConnections + " connections");
            return false;
        }
        if (maxPerAddress == NO_ADDRESS_CAP || !(channel.remoteAddress() instanceof InetSocketAddress remote)) {
            channel.closeFuture().addListener(f -> open.decrementAndGet()); // counted in the total only
            return true;
        }
        InetAddress address = remote.getAddress();
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            admitted[0] = count < maxPerAddress;
            return admitted[0] ? count + 1 : n;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            refuse(channel, maxPerAddress + " connections from " + address.getHostAddress());
            return false;
        }
        channel.closeFuture().addListener(f -> release(address));
        return true;
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        open.decrementAndGet();
    }

    private void refuse(Channel channel, String which) {
        refused.increment();
        channel.close();
        long heldBack = refusalLog.admit();
        if (heldBack >= 0) {
            log.warn("connection from {} refused: {} are open ({} more refused in the last {} s; --max-connections, "
                    + "--max-connections-per-address)", channel.remoteAddress(), which, heldBack,
                    FailureLogThrottle.INTERVAL.toSeconds());
        }
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Connections refused since start. */
    public long refused() {
        return refused.sum();
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxPerAddress() {
        return maxPerAddress;
    }
}
