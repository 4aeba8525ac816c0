package io.livechannel.storage.write;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timing of an {@link ObjectWriteQueue}.
 *
 * @param spoolDir where the bytes of writes that failed are kept until they succeed (survives restarts); set it
 *                 for a remote store (S3), {@code null} to keep the backlog in memory (local filesystem store)
 * @param maxBacklogWrites writes accepted but not yet stored, at most; a submit beyond it is refused
 * @param maxBacklogBytes bytes of those writes (memory and spool together), at most
 * @param initialBackoff delay before the first retry; doubles per failed attempt of the same write
 * @param maxBackoff the cap of that doubling
 * @param errorAfterAttempts failed attempts of one write after which an ERROR is logged (once per outage)
 * @param shutdownTimeout how long {@link ObjectWriteQueue#close()} waits for the backlog to drain
 */
public record WriteQueueConfig(Path spoolDir, int maxBacklogWrites, long maxBacklogBytes, Duration initialBackoff,
                               Duration maxBackoff, int errorAfterAttempts, Duration shutdownTimeout) {
    /** An hour of 2-second segments plus their playlists for 10 channels. */
    public static final int DEFAULT_MAX_BACKLOG_WRITES = 36_000;
    /** 1 GiB: a few minutes of outage at a few hundred Mbit/s of total ingest; spooled, so it is disk, not heap. */
    public static final long DEFAULT_MAX_BACKLOG_BYTES = 1L << 30;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Short enough that a recovered store is used again within seconds. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** About 10 s of failures (0.2+0.4+0.8+1.6+3.2+6.4 s) before an operator is told. */
    public static final int DEFAULT_ERROR_AFTER_ATTEMPTS = 6;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    public WriteQueueConfig {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (maxBacklogWrites < 1 || maxBacklogBytes < 1) {
            throw new IllegalArgumentException("backlog limits must be positive: " + maxBacklogWrites + " writes, "
                    + maxBacklogBytes + " bytes");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff: " + initialBackoff + ", "
                    + maxBackoff);
        }
        if (errorAfterAttempts < 1) {
            throw new IllegalArgumentException("errorAfterAttempts < 1: " + errorAfterAttempts);
        }
    }

    /** The defaults above, spooling to {@code spoolDir} (null: no spool). */
    public static WriteQueueConfig defaults(Path spoolDir) {
        return new WriteQueueConfig(spoolDir, DEFAULT_MAX_BACKLOG_WRITES, DEFAULT_MAX_BACKLOG_BYTES,
                DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_ERROR_AFTER_ATTEMPTS, DEFAULT_SHUTDOWN_TIMEOUT);
    }

    Duration backoff(int failedAttempts) {
        long millis = initialBackoff.toMillis() << Math.min(failedAttempts - 1, 30);
        return millis <= 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }
}
