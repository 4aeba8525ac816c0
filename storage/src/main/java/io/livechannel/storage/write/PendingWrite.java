package io.livechannel.storage.write;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted write: its target, and its bytes either in the caller's buffer ({@code data}, until released) or
 * in a spool file. Touched only by the lane runner that owns its lane, or by {@code close()} once the lane is
 * not running; the fields are guarded by the queue's lock where they are shared.
 */
final class PendingWrite {
    final long sequence;
    final String orderingKey;
    final String bucket;
    final String key;
    final PutOptions options;
    final long size;
    /** Checked just before the put; null when the write has no condition. */
    final WriteFence fence;
    final CompletableFuture<StoredObject> future = new CompletableFuture<>();
    /** When it was accepted (wall clock): the last-modified time a reader of the queued version is shown. */
    final long queuedAtMillis;
    private ByteBuffer data; // guarded by this: readers copy it while the lane runner may release it
    private Runnable release;
    private QueuedObjects.Snapshot snapshot; // guarded by this: the first reader's copy, dropped with data
    private Path spoolFile;
    private long spoolContentOffset;
    int failedAttempts;
    /** Earlier writes of the same target that this one replaced before they started; null when none. */
    private List<PendingWrite> superseded;

    PendingWrite(long sequence, String orderingKey, String bucket, String key, PutOptions options, WriteFence fence,
                 ByteBuffer data, Runnable release) {
        this.sequence = sequence;
        this.orderingKey = orderingKey;
        this.bucket = bucket;
        this.key = key;
        this.options = options;
        this.fence = fence;
        this.size = data.remaining();
        this.data = data;
        this.release = release;
        this.queuedAtMillis = System.currentTimeMillis();
    }

    /** A write recovered from the spool after a restart: nobody waits on its future. */
    PendingWrite(long sequence, String orderingKey, String bucket, String key, PutOptions options, WriteFence fence,
                 long size, Path spoolFile, long spoolContentOffset) {
        this.sequence = sequence;
        this.orderingKey = orderingKey;
        this.bucket = bucket;
        this.key = key;
        this.options = options;
        this.fence = fence;
        this.size = size;
        this.spoolFile = spoolFile;
        this.spoolContentOffset = spoolContentOffset;
        this.queuedAtMillis = System.currentTimeMillis();
    }

    boolean isSpooled() {
        return spoolFile != null;
    }

    synchronized ByteBuffer data() {
        return data;
    }

    /**
     * This write as a reader sees it before it is stored: copied once from the caller's buffer, with the ETag
     * {@code etagSource} will give it; null once the buffer is released (stored, spooled or refused).
     */
    synchronized QueuedObjects.Snapshot snapshot(ObjectStore etagSource) {
        if (snapshot == null && data != null) {
            ByteBuffer content = data.duplicate();
            StoredObject object = new StoredObject(key, size, etagSource.etagFor(content, options),
                    Instant.ofEpochMilli(queuedAtMillis), options.contentType(), options.userMetadata());
            byte[] copy = new byte[content.remaining()];
            content.get(copy);
            snapshot = new QueuedObjects.Snapshot(object, copy);
        }
        return snapshot;
    }

    Path spoolFile() {
        return spoolFile;
    }

    /** Points the write at its spool file; the caller then counts it and calls {@link #releaseData()}. */
    void spooledTo(Path file, long contentOffset) {
        this.spoolFile = file;
        this.spoolContentOffset = contentOffset;
    }

    /** The bytes to upload from the spool file; only for a spooled write. The caller closes the stream. */
    InputStream openSpooled() throws IOException {
        InputStream in = Files.newInputStream(spoolFile);
        in.skipNBytes(spoolContentOffset);
        return in;
    }

    /** Whether both write the same object. */
    boolean sameTarget(PendingWrite other) {
        return key.equals(other.key) && bucket.equals(other.bucket);
    }

    /** Takes over {@code older} (and whatever it had taken over): their futures now complete with this write's. */
    void supersede(PendingWrite older) {
        if (superseded == null) {
            superseded = new ArrayList<>();
        }
        superseded.add(older);
        if (older.superseded != null) {
            superseded.addAll(older.superseded);
            older.superseded = null;
        }
    }

    /**
     * Completes the futures of the superseded writes, oldest first, then this write's, all with the same outcome:
     * a superseded write's result is the object that replaced it (what its key now holds).
     */
    void complete(StoredObject stored, Throwable failure) {
        if (superseded != null) {
            superseded.sort(Comparator.comparingLong(w -> w.sequence));
            for (PendingWrite w : superseded) {
                completeOne(w.future, stored, failure);
            }
        }
        completeOne(future, stored, failure);
    }

    private static void completeOne(CompletableFuture<StoredObject> f, StoredObject stored, Throwable failure) {
        if (failure == null) {
            f.complete(stored);
        } else {
            f.completeExceptionally(failure);
        }
    }

    /** Gives the caller's buffer back, exactly once whatever the path (stored, spooled, refused, shut down). */
    void releaseData() {
        Runnable r;
        synchronized (this) { // no reader is copying data once this returns
            r = release;
            release = null;
            data = null;
            snapshot = null;
        }
        if (r != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return bucket + "/" + key + " (#" + sequence + ", " + size + " bytes)";
    }
}
