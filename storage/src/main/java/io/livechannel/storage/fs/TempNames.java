package io.livechannel.storage.fs;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Temporary names for the filesystem store's files: {@code .tmp-<random>-<n>}, unique within this process without
 * a {@code SecureRandom} call per put, and distinct from another process's that used the same root before (which the
 * store's open deletes: one process per root). Thread-safe.
 */
final class TempNames {
    private static final String PREFIX = FileSystemObjectStore.TEMP_PREFIX
            + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";
    private static final AtomicLong COUNTER = new AtomicLong();

    private TempNames() {
    }

    /** A new name in {@code dir}. */
    static Path next(Path dir) {
        return dir.resolve(PREFIX + COUNTER.incrementAndGet());
    }
}
