package io.livechannel.storage;

/** A store operation failed; {@link #kind()} tells a caller what to answer. Messages never hold secrets. */
public class StorageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as callers branch on it. */
    public enum Kind {
        NO_SUCH_BUCKET, NO_SUCH_KEY, BUCKET_NOT_EMPTY, INVALID_KEY, CONFLICT, IO,
        /** The bucket name breaks the OSS naming rules (3..63 of {@code a-z 0-9 -}); OSS answers InvalidBucketName. */
        INVALID_BUCKET_NAME,
        /** The range starts at or past the end of the object; HTTP answers 416 InvalidRange. */
        INVALID_RANGE,
        /** The write queue's backlog is full; the write was refused, never silently dropped. */
        BACKLOG_FULL,
        /**
         * A queued write's {@code WriteFence} no longer held when its turn came (its writer lost the right to write
         * the object, e.g. another node took the channel over); never from a store call.
         */
        FENCED
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
