package io.livechannel.rtmp.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Fewer, larger reads from publishers: the kernel holds a publishing socket's data until about {@code hold}'s
 * worth of the publisher's own rate has arrived, so one wakeup and one {@code read} take several RTMP messages.
 *
 * <p>Why: an encoder writes each audio and video message as it is produced, about 75 small writes a second at
 * 30 fps, and an event loop that reads each one pays a wakeup, a {@code read} and the TCP acknowledgement it
 * sends for every message. At 500 publishers that per-message cost was half of the event loops' CPU.
 *
 * <p>How: Linux's {@code SO_RCVLOWAT} (socket(7)) on the publishing connection, set through Netty's native epoll
 * transport; the JDK's NIO cannot set it, so on NIO (or off Linux) nothing changes. Each connection's mark
 * follows its measured rate: {@code rate × hold}, recomputed every {@link #WINDOW_NANOS} and changed only when
 * it moves by more than a quarter, between {@link #MIN_MARK_BYTES} (below that, no mark) and
 * {@link #MAX_MARK_BYTES}. The rate bounds the wait: a publisher sending steadily fills its mark within about
 * {@code hold}. A keyframe, which closes a segment, must not wait at all. So the mark is at most half the last
 * keyframe's size ({@link #capFor}; no mark before the first keyframe), and a keyframe's arrival fills it whatever
 * the socket held before; and over a real network, where a keyframe comes in many TCP segments, the mark is
 * lowered while one is under way to what it still misses (as the chunk layer's {@code ReadProgress} events count
 * it) and restored when it is complete, two system calls per keyframe. What a longer hold delays is then only the frames between keyframes,
 * which no playlist waits for. A publisher whose rate falls (a
 * pause, the last small commands before it waits for an answer) is caught by the tick: a connection with no read
 * for 2.5 holds (at least one whole tick) has its mark dropped to 1 byte, which also makes the kernel report any
 * data it holds.
 *
 * <p>One instance serves the whole server. Each event loop with publishing connections runs one periodic tick
 * for all of them (not one timer per connection: at 250 connections a loop, per-connection timers would cost
 * about as many wakeups as the reads saved). Threading: {@link #newHandler} from any thread; the handler and
 * its loop's tick run only on that loop.
 */
public final class ReadBatching {
    /**
     * Linux {@code SOL_SOCKET} and {@code SO_RCVLOWAT} as x86-64, arm64 and riscv64 number them. Netty's native
     * epoll transport has no option or constant for {@code SO_RCVLOWAT} (its {@code EpollChannelOption} and
     * {@code Native} expose neither number), so they are spelled here and used only where {@link
     * #platformNumbersKnown} says these are the platform's numbers.
     */
    public static final IntegerUnixChannelOption SO_RCVLOWAT = new IntegerUnixChannelOption("SO_RCVLOWAT", 1, 18);
    /** How often each loop looks at its publishers' reads. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long a rate measurement lasts before the mark follows it. */
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Below this, a mark saves too few reads to be worth holding data for. */
    static final int MIN_MARK_BYTES = 1024;
    /**
     * Above this the kernel may shrink the receive window to the mark when it grows the buffer for it
     * ({@code tcp_set_rcvlowat}); 32 KiB stays well inside the 128 KiB default receive buffer.
     */
    static final int MAX_MARK_BYTES = 32 * 1024;

    private final long holdNanos;
    private final boolean supported;
    private final long tickNanos;
    private final LongSupplier nanoTime;
    private final int idleTicks;
    private final Map<EventExecutor, Tick> ticks = new ConcurrentHashMap<>();

    /** {@code hold} zero turns batching off. */
    public ReadBatching(Duration hold) {
        this(hold, platformNumbersKnown(System.getProperty("os.name", ""), System.getProperty("os.arch", "")),
                TICK_NANOS, System::nanoTime);
    }

    /** For tests: {@code tickNanos} and {@code nanoTime} let a test drive {@link ReadBatcher#tick} itself. */
    ReadBatching(Duration hold, boolean supported, long tickNanos, LongSupplier nanoTime) {
        Objects.requireNonNull(hold, "hold");
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must be >= 0: " + hold);
        }
        this.holdNanos = hold.toNanos();
        this.supported = supported;
        this.tickNanos = tickNanos;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.idleTicks = (int) Math.max(1, (holdNanos * 5 / 2 + tickNanos - 1) / tickNanos);
    }

    /** Whether this platform numbers {@code SO_RCVLOWAT} as {@link #SO_RCVLOWAT} does (powerpc, mips differ). */
    static boolean platformNumbersKnown(String osName, String osArch) {
        return osName.toLowerCase(Locale.ROOT).startsWith("linux")
                && List.of("amd64", "x86_64", "aarch64", "riscv64").contains(osArch.toLowerCase(Locale.ROOT));
    }

    /** Whether {@link #newHandler} may return a handler at all. */
    public boolean enabled() {
        return holdNanos > 0 && supported;
    }

    /**
     * A handler for {@code channel}'s publish, to be added behind its chunk decoder (whose {@code ReadProgress}
     * events it reads) when the publish starts and removed when it ends; null when batching is off or the
     * channel's transport cannot set the option.
     */
    public ChannelHandler newHandler(Channel channel) {
        if (!enabled()) {
            return null;
        }
        try {
            return channel.config().getOption(SO_RCVLOWAT) == null ? null : new ReadBatcher(this);
        } catch (ChannelException e) {
            return null; // the socket is closing
        }
    }

    long holdNanos() {
        return holdNanos;
    }

    /**
     * How many ticks in a row without a read drop the mark: those that cover 2.5 holds, at least one. A steady
     * publisher fills its mark about once per hold, so a tick without a read is normal when the hold is longer than
     * a tick.
     */
    int idleTicks() {
        return idleTicks;
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    /**
     * The mark for a publisher that sent {@code bytes} in {@code nanos}: what it sends in {@code holdNanos}, at
     * most {@code cap}, or 1 (no holding) when that is below {@link #MIN_MARK_BYTES}.
     */
    static int markFor(long bytes, long nanos, long holdNanos, int cap) {
        if (nanos <= 0) {
            return 1;
        }
        double mark = Math.min((double) bytes * holdNanos / nanos, cap);
        return mark < MIN_MARK_BYTES ? 1 : (int) mark;
    }

    /**
     * The largest mark for a publisher whose last keyframe had {@code lastKeyframeBytes} of payload (0: none yet):
     * half of it, so that a keyframe fills the mark by itself and the segment it closes is never held back, and at
     * most {@link #MAX_MARK_BYTES}. A publisher that has sent no keyframe (audio only, or not started) gets 0: no
     * mark, since without keyframes segments are cut by time, which a held read would delay.
     */
    static int capFor(int lastKeyframeBytes) {
        return Math.min(lastKeyframeBytes / 2, MAX_MARK_BYTES);
    }

    /** Whether moving from {@code current} to {@code next} is worth a system call: 1 always is, else a 25 % move. */
    static boolean worthChanging(int current, int next) {
        if (next == current) {
            return false;
        }
        return next == 1 || current == 1 || Math.abs(next - current) * 4L > current;
    }

    void register(ReadBatcher batcher, EventExecutor loop) {
        ticks.computeIfAbsent(loop, l -> new Tick(l, tickNanos, nanoTime)).add(batcher);
    }

    void unregister(ReadBatcher batcher, EventExecutor loop) {
        Tick tick = ticks.get(loop);
        if (tick != null && tick.remove(batcher)) {
            ticks.remove(loop, tick);
        }
    }

    /** One loop's periodic look at its publishers; touched only on that loop after creation. */
    private static final class Tick implements Runnable {
        private final EventExecutor loop;
        private final long periodNanos;
        private final LongSupplier nanoTime;
        private final List<ReadBatcher> batchers = new ArrayList<>();
        private ScheduledFuture<?> future;

        Tick(EventExecutor loop, long periodNanos, LongSupplier nanoTime) {
            this.loop = loop;
            this.periodNanos = periodNanos;
            this.nanoTime = nanoTime;
        }

        void add(ReadBatcher batcher) {
            batchers.add(batcher);
            if (future == null) {
                future = loop.scheduleAtFixedRate(this, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
            }
        }

        /** True when this tick has no batcher left and stopped. */
        boolean remove(ReadBatcher batcher) {
            batchers.remove(batcher);
            if (batchers.isEmpty() && future != null) {
                future.cancel(false);
                future = null;
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            long now = nanoTime.getAsLong();
            // a batcher whose socket refused the option removes itself: walk backwards
            for (int i = batchers.size() - 1; i >= 0; i--) {
                if (i < batchers.size()) {
                    batchers.get(i).tick(now);
                }
            }
        }
    }
}
