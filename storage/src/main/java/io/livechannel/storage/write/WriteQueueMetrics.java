package io.livechannel.storage.write;

/**
 * A point-in-time snapshot of an {@link ObjectWriteQueue}, for the server's metrics endpoint.
 *
 * @param pendingWrites accepted and not yet stored (including spooled ones)
 * @param pendingBytes their bytes
 * @param spooledWrites of the pending writes, those whose bytes are on disk in the spool
 * @param completedWrites stored since start
 * @param failedAttempts attempts that failed (each is retried unless permanent)
 * @param retries retries scheduled
 * @param rejectedWrites submits refused because the backlog was full or the queue closed
 * @param permanentFailures writes given up because retrying cannot help (invalid key, missing bucket), or fenced
 *                          ({@link WriteFence}: a live playlist whose publisher lost the channel)
 * @param coalescedWrites writes not stored because a newer write of the same object was queued behind them (their
 *                        futures complete with the newer write's)
 */
public record WriteQueueMetrics(int pendingWrites, long pendingBytes, int spooledWrites, long completedWrites,
                                long failedAttempts, long retries, long rejectedWrites, long permanentFailures,
                                long coalescedWrites) {
}
