package io.livechannel.api;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one failure log line through per {@link #INTERVAL}, and counts the ones held back, so that an outage of
 * the store seen by every player request (several per second each) is one ERROR line every few seconds, not a
 * flood (STYLE B11). The responses still carry the error; only the log is thinned.
 *
 * <p>Thread-safe, lock-free.
 */
public final class FailureLogThrottle {
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Clock clock;
    private final AtomicLong nextAllowedMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public FailureLogThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether this failure may be logged now.
     *
     * @return -1 to hold it back (it is counted); otherwise the number of failures held back since the last one
     *     logged, to mention in this line
     */
    public long admit() {
        long now = clock.millis();
        long next = nextAllowedMillis.get();
        if (now >= next && nextAllowedMillis.compareAndSet(next, now + INTERVAL.toMillis())) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
