package io.livechannel.storage;

/**
 * Hears about the device cache flushes ({@code fsync}s) that a part of this process is about to make, so that the
 * object store can keep its latency-bound writes off the device while one runs: the SQLite catalog's WAL checkpoint
 * tells the filesystem store ({@code FileSystemObjectStore#deviceFlushes}).
 *
 * <p>Why (issue 9): a flush makes the disk write out everything it holds before it answers, and the writes queued
 * behind it wait that long. The catalog checkpoint's flushes, every 10 s, held the store's direct segment writes for
 * 16-92 ms at 500 publishers; each such write then ran out of its patience before the put fell back to the page
 * cache, and that wait was in the segment's cut-to-playlist latency. Told beforehand, the store writes through the
 * page cache for the flush's duration and does not wait at all.
 *
 * <p>Threading: implementations are thread-safe and return at once; {@link #flushEnded} follows each
 * {@link #flushStarting}, on the same thread, also when the flush failed.
 */
public interface DeviceFlushes {
    /** Hears nothing: for stores that do not write to a local disk, and for tests. */
    DeviceFlushes NONE = new DeviceFlushes() {
        @Override
        public void flushStarting() {
        }

        @Override
        public void flushEnded(long tookNanos) {
        }
    };

    /** The calling thread is about to make one or more flushes. */
    void flushStarting();

    /** The flushes announced by {@link #flushStarting} have ended, {@code tookNanos} after it. */
    void flushEnded(long tookNanos);
}
