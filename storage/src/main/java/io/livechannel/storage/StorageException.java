package io.livechannel.storage;

/** A store operation failed; {@link #kind()} tells a caller what to answer. Messages never hold secrets. */
public class StorageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as callers branch on it. */
    public enum Kind {
        NO_SUCH_BUCKET, NO_SUCH_KEY, BUCKET_NOT_EMPTY, INVALID_KEY, CONFLICT, IO
    }

    private final Kind kind;

    public StorageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
