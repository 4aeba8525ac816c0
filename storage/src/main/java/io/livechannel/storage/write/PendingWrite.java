package io.livechannel.storage.write;

import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
    final CompletableFuture<StoredObject> future = new CompletableFuture<>();
    private ByteBuffer data;
    private Runnable release;
    private Path spoolFile;
    private long spoolContentOffset;
    int failedAttempts;

    PendingWrite(long sequence, String orderingKey, String bucket, String key, PutOptions options, ByteBuffer data,
                 Runnable release) {
        this.sequence = sequence;
        this.orderingKey = orderingKey;
        this.bucket = bucket;
        this.key = key;
        this.options = options;
        this.size = data.remaining();
        this.data = data;
        this.release = release;
    }

    /** A write recovered from the spool after a restart: nobody waits on its future. */
    PendingWrite(long sequence, String orderingKey, String bucket, String key, PutOptions options, long size,
                 Path spoolFile, long spoolContentOffset) {
        this.sequence = sequence;
        this.orderingKey = orderingKey;
        this.bucket = bucket;
        this.key = key;
        this.options = options;
        this.size = size;
        this.spoolFile = spoolFile;
        this.spoolContentOffset = spoolContentOffset;
    }

    boolean isSpooled() {
        return spoolFile != null;
    }

    ByteBuffer data() {
        return data;
    }

    Path spoolFile() {
        return spoolFile;
    }

    /** Points the write at its spool file; the caller then counts it and calls {@link #releaseData()}. */
    void spooledTo(Path file, long contentOffset) {
        this.spoolFile = file;
        this.spoolContentOffset = contentOffset;
    }

    /** The bytes to upload, from the spool file when there is one. The caller closes the stream. */
    InputStream open() throws IOException {
        if (spoolFile != null) {
            InputStream in = Files.newInputStream(spoolFile);
            in.skipNBytes(spoolContentOffset);
            return in;
        }
        return new ByteBufferInputStream(data);
    }

    /** Gives the caller's buffer back, exactly once whatever the path (stored, spooled, refused, shut down). */
    void releaseData() {
        Runnable r = release;
        release = null;
        data = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return bucket + "/" + key + " (#" + sequence + ", " + size + " bytes)";
    }
}
