package io.livechannel.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes all HTTP connections may hold at once ({@link HttpLimits#maxBodyBytesInFlight()}): each
 * connection is bounded by {@link HttpLimits#maxBodyBytes()}, but thousands of them sending large bodies would
 * still fill the memory. A request reserves its declared body length when its head arrives and gives it back once
 * answered. One instance per server; thread-safe, lock-free.
 */
final class BodyBudget {
    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Reserves {@code bytes}, or nothing and false when that would pass the capacity. */
    boolean tryReserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > capacity) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** Bytes reserved now. */
    long reserved() {
        return reserved.get();
    }
}
