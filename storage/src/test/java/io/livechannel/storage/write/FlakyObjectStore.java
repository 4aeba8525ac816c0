package io.livechannel.storage.write;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store behind a switch: while "down", or for the next n puts, a put fails with an I/O error as an
 * unreachable backend would; otherwise it goes through. Records the keys of successful puts in the order they
 * were stored, which is what ordering tests check.
 */
public final class FlakyObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<String> storedKeys = new ArrayList<>();
    private final Semaphore waitingAtGate = new Semaphore(0);
    private volatile CountDownLatch gate;

    public FlakyObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    public void setDown(boolean isDown) {
        down.set(isDown);
    }

    public void failNextPuts(int n) {
        failuresLeft.set(n);
    }

    /** Makes every put wait until {@code latch} opens, so a test can hold a lane's runner in the middle of a put. */
    public void holdPutsUntil(CountDownLatch latch) {
        gate = latch;
    }

    /** Waits until a put is held by {@link #holdPutsUntil}; false after 20 s. */
    public boolean awaitHeldPut() throws InterruptedException {
        return waitingAtGate.tryAcquire(20, TimeUnit.SECONDS);
    }

    /** Keys in the order their puts succeeded. */
    public synchronized List<String> storedKeys() {
        return List.copyOf(storedKeys);
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream data, long length, PutOptions options)
            throws StorageException {
        failIfDown(key);
        return recorded(delegate.put(bucket, key, data, length, options));
    }

    @Override
    public StoredObject put(String bucket, String key, ByteBuffer data, PutOptions options) throws StorageException {
        failIfDown(key);
        return recorded(delegate.put(bucket, key, data, options));
    }

    private void failIfDown(String key) throws StorageException {
        CountDownLatch latch = gate;
        if (latch != null) {
            waitingAtGate.release();
            try {
                if (!latch.await(20, TimeUnit.SECONDS)) {
                    throw new StorageException(StorageException.Kind.IO, "put " + key + " held for 20 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(StorageException.Kind.IO, "put " + key + " interrupted", e);
            }
        }
        if (down.get() || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StorageException(StorageException.Kind.IO, "put " + key + " failed: connection refused");
        }
    }

    private synchronized StoredObject recorded(StoredObject stored) {
        storedKeys.add(stored.key());
        return stored;
    }

    @Override
    public String etagFor(ByteBuffer content, PutOptions options) {
        return delegate.etagFor(content, options);
    }

    @Override
    public void createBucket(String bucket) throws StorageException {
        delegate.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) throws StorageException {
        delegate.deleteBucket(bucket);
    }

    @Override
    public ObjectStream get(String bucket, String key, ByteRange range) throws StorageException {
        return delegate.get(bucket, key, range);
    }

    @Override
    public Optional<StoredObject> head(String bucket, String key) throws StorageException {
        return delegate.head(bucket, key);
    }

    @Override
    public ObjectListing list(String bucket, ListQuery query) throws StorageException {
        return delegate.list(bucket, query);
    }

    @Override
    public void delete(String bucket, String key) throws StorageException {
        delegate.delete(bucket, key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
