package io.livechannel.storage.fs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reports puts of the filesystem store that took {@link #THRESHOLD} or more, split into the write of the content
 * (direct or through the page cache), the check and hard link of a replaced object, and the rename: a disk that
 * stalls shows which step it stalls (issue 9: the cut-to-playlist tail). At most one line per
 * {@link #INTERVAL}, at INFO on its own logger ({@code io.livechannel.storage.fs.SlowPuts}), with how many slow
 * puts went unreported since the previous line; counted in full for {@link #count}.
 *
 * <p>Threading: thread-safe, lock-free.
 */
final class SlowPuts {
    private static final Logger log = LoggerFactory.getLogger(SlowPuts.class);
    static final Duration THRESHOLD = Duration.ofMillis(100);
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final LongSupplier nanoTime;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong nextReportNanos;

    SlowPuts(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.nextReportNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** Given the put's start and the ends of its three steps ({@link #nanoTime} readings). */
    void check(String bucket, String key, long start, long wrote, long linked, long renamed) {
        long took = renamed - start;
        if (took < THRESHOLD.toNanos()) {
            return;
        }
        count.incrementAndGet();
        long next = nextReportNanos.get();
        if (renamed - next < 0 || !nextReportNanos.compareAndSet(next, renamed + INTERVAL.toNanos())) {
            unreported.incrementAndGet();
            return;
        }
        log.info("put {}/{} took {} ms: content {} ms, replaced-object check {} ms, rename {} ms ({} more slow puts "
                + "since the last such line)", bucket, key, millis(took), millis(wrote - start),
                millis(linked - wrote), millis(renamed - linked), unreported.getAndSet(0));
    }

    /** Slow puts so far. */
    long count() {
        return count.get();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
