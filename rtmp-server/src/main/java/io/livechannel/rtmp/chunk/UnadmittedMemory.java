package io.livechannel.rtmp.chunk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that all connections not yet admitted to publish hold together in their chunk decoders (partial
 * messages and unread input), against one server-wide limit ({@code RtmpLimits.maxBytesBeforeAdmissionTotal}): an
 * unauthenticated peer must not be able to make the server hold memory, whatever number of connections it opens.
 * One instance per server, shared by every connection's {@link ChunkDecoder}. Thread-safe.
 */
public final class UnadmittedMemory {
    private final long limitBytes;
    private final AtomicLong heldBytes = new AtomicLong();

    public UnadmittedMemory(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limitBytes must be > 0: " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    /** What all unadmitted connections hold now. */
    public long heldBytes() {
        return heldBytes.get();
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, when that would pass the limit. */
    boolean tryReserve(long bytes) {
        long held;
        do {
            held = heldBytes.get();
            if (held + bytes > limitBytes) {
                return false;
            }
        } while (!heldBytes.compareAndSet(held, held + bytes));
        return true;
    }

    void release(long bytes) {
        heldBytes.addAndGet(-bytes);
    }
}
