package io.livechannel.storage.write;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A condition a queued write must still meet when its turn to be stored comes: a live playlist may be stored only
 * while its publisher holds the channel, and the time between the publisher's check and the put can be a whole
 * backlog. {@link ObjectWriteQueue} checks it just before the store call, and fails the write with
 * {@link io.livechannel.storage.StorageException.Kind#FENCED} when it no longer holds.
 *
 * <p>A spooled write keeps the fence's {@link #token()}; after a restart the queue asks its recovered-fence
 * predicate about that token instead (the in-memory condition is gone with the process).
 */
public interface WriteFence {
    /**
     * Whether the write may be stored now; called on the lane's thread just before the put. May throw (an
     * unreachable catalog): the write is then retried later, as a failed put is.
     */
    boolean holds();

    /** The fence as text, for a spooled write's next run; no line breaks, at most a few hundred characters. */
    String token();

    /** A fence checked by {@code holds}. */
    static WriteFence of(String token, BooleanSupplier holds) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(holds, "holds");
        return new WriteFence() {
            @Override
            public boolean holds() {
                return holds.getAsBoolean();
            }

            @Override
            public String token() {
                return token;
            }
        };
    }

    /** The fence of a write recovered from the spool: {@code recovered} decides on its token. */
    static WriteFence recovered(String token, Predicate<String> recovered) {
        return of(token, () -> recovered.test(token));
    }
}
