package io.livechannel.storage.write;

/**
 * The counters and flags of an {@link ObjectWriteQueue}; every method is called under the queue's lock.
 * "Backlog" is the episode from the first failed attempt until nothing is pending again; the WARN/ERROR/refusal
 * log lines are emitted once per episode.
 */
final class WriteQueueState {
    private long nextSequence;
    private int pendingWrites;
    private long pendingBytes;
    private int spooledWrites;
    private long completed;
    private long failedAttempts;
    private long rejected;
    private long permanentFailures;
    private long coalesced;
    private boolean backlog;
    private boolean errorReported;
    private boolean rejectionReported;
    private boolean closed;

    /** Why a write of {@code size} bytes must be refused now, or null when it fits. */
    String refusal(long size, WriteQueueConfig config) {
        if (closed) {
            return "the write queue is closed";
        }
        if (pendingWrites + 1 > config.maxBacklogWrites()) {
            return "backlog of " + pendingWrites + " writes reached maxBacklogWrites " + config.maxBacklogWrites();
        }
        if (pendingBytes + size > config.maxBacklogBytes()) {
            return "backlog of " + pendingBytes + " bytes + " + size + " exceeds maxBacklogBytes "
                    + config.maxBacklogBytes();
        }
        return null;
    }

    long nextSequence() {
        return nextSequence++;
    }

    void continueSequenceAfter(long sequence) {
        nextSequence = Math.max(nextSequence, sequence + 1);
    }

    void accepted(PendingWrite w, boolean spooled) {
        pendingWrites++;
        pendingBytes += w.size;
        if (spooled) {
            spooledWrites++;
            backlog = true; // recovered writes are a backlog: report when they are drained
        }
    }

    void spooled() {
        spooledWrites++;
    }

    /** @return true when this was the last pending write of a backlog */
    boolean finished(PendingWrite w, boolean permanent) {
        pendingWrites--;
        pendingBytes -= w.size;
        if (w.isSpooled()) {
            spooledWrites--;
        }
        if (permanent) {
            permanentFailures++;
        } else {
            completed++;
        }
        if (pendingWrites > 0) {
            return false;
        }
        rejectionReported = false;
        boolean drained = backlog;
        backlog = false;
        errorReported = false;
        return drained;
    }

    /** {@code w} was superseded by a newer write of its target (never the last pending write: that one is). */
    void coalesced(PendingWrite w) {
        pendingWrites--;
        pendingBytes -= w.size;
        if (w.isSpooled()) {
            spooledWrites--;
        }
        coalesced++;
    }

    /** @return true when this failure starts a backlog */
    boolean attemptFailed() {
        failedAttempts++;
        boolean started = !backlog;
        backlog = true;
        return started;
    }

    boolean errorNotYetReported() {
        boolean first = !errorReported;
        errorReported = true;
        return first;
    }

    /** @return true for the first refusal of a backlog */
    boolean rejected() {
        rejected++;
        boolean first = !rejectionReported;
        rejectionReported = true;
        return first;
    }

    int pendingWrites() {
        return pendingWrites;
    }

    void close() {
        closed = true;
    }

    WriteQueueMetrics snapshot() {
        // every failed attempt of a transient error schedules exactly one retry
        return new WriteQueueMetrics(pendingWrites, pendingBytes, spooledWrites, completed, failedAttempts,
                failedAttempts, rejected, permanentFailures, coalesced);
    }
}
