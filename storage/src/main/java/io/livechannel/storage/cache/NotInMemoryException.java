package io.livechannel.storage.cache;

/**
 * Thrown by a {@link MemoryOnlyStores memory-only view} when answering would need I/O: the caller retries the
 * whole request on a thread that may block. Carries no stack trace and no message, since it is a normal outcome
 * (the first GET of every new playlist version) and is thrown often; {@link #INSTANCE} is the only instance.
 */
public final class NotInMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final NotInMemoryException INSTANCE = new NotInMemoryException();

    private NotInMemoryException() {
        super(null, null, false, false);
    }
}
