package io.livechannel.storage.fs;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Temporary names for the file-system store's files: {@code .tmp-<random>-<n>}, unique within this process without
 * a {@code SecureRandom} call per put, and distinct from another process's that used the same root before (which the
 * store's open deletes: one process per root). Thread-safe.
 */
final class TempNames {
    private final String prefix = FileSystemObjectStore.TEMP_PREFIX
            + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";
    private final AtomicLong counter = new AtomicLong();

    /** A new name in {@code dir}. */
    Path next(Path dir) {
        return next(dir, "");
    }

    /** A new name in {@code dir} ending with {@code suffix}, which tells what the file is to someone looking. */
    Path next(Path dir, String suffix) {
        return dir.resolve(prefix + counter.incrementAndGet() + suffix);
    }
}
