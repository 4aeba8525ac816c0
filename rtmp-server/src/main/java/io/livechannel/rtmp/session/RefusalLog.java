package io.livechannel.rtmp.session;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of connections closed before their publish was admitted (a memory limit passed, no publish in time):
 * at most one INFO line per {@link #INTERVAL_NANOS}, which counts the closes since the previous one; the others
 * go to DEBUG. Such closes are what a hostile peer causes at will, so they must not be able to flood the log.
 * One instance per server. Thread-safe.
 */
public final class RefusalLog {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

    private final LongSupplier nanoTime;
    private final AtomicLong nextInfoNanos;
    private final AtomicLong quietCloses = new AtomicLong();

    public RefusalLog() {
        this(System::nanoTime);
    }

    RefusalLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.nextInfoNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** Logs that {@code logId}'s connection was closed before admission because of {@code why}. */
    void closed(String logId, String why) {
        long now = nanoTime.getAsLong();
        long next = nextInfoNanos.get();
        if (now - next >= 0 && nextInfoNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            long quiet = quietCloses.getAndSet(0);
            log.info("{} closed before its publish was admitted: {}{}", logId, why, quiet == 0 ? ""
                    : " (and " + quiet + " other such closes since the last line, logged at DEBUG)");
        } else {
            quietCloses.incrementAndGet();
            log.debug("{} closed before its publish was admitted: {}", logId, why);
        }
    }
}
