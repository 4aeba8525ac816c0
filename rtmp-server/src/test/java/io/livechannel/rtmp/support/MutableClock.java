package io.livechannel.rtmp.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** System time (or a fixed instant) plus an offset that tests advance instead of sleeping. */
public final class MutableClock extends Clock {
    private final AtomicLong offsetMillis = new AtomicLong();
    private final Instant fixed;

    /** Follows system time, shifted by {@link #advance}. */
    public MutableClock() {
        this.fixed = null;
    }

    /** Stands still at {@code start} until {@link #advance}d. */
    public MutableClock(Instant start) {
        this.fixed = start;
    }

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long millis() {
        return (fixed == null ? System.currentTimeMillis() : fixed.toEpochMilli()) + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
