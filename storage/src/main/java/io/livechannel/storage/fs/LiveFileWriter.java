package io.livechannel.storage.fs;

import io.livechannel.storage.StoredObject;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How the filesystem store writes the file of a laid-out object ({@link ObjectFile.Layout}) before renaming it over
 * the object's key: {@link BufferedFileWriter} through the page cache, or {@link DirectFileWriter} past it
 * ({@link DirectIo}). The store chooses one for live output when it opens and knows nothing more of it: a writer
 * only ever creates a new temporary file ({@link TempNames}) in the given directory and returns it whole.
 *
 * <p>Threading: implementations are thread-safe and block for the file system; never call them on an event loop.
 */
interface LiveFileWriter extends AutoCloseable {
    /**
     * Writes {@code layout} to a new temporary file in {@code dir}. On an exception no file is left behind.
     *
     * @param force whether to fsync the file before returning
     * @throws java.nio.file.NoSuchFileException when {@code dir} does not exist (the store then creates it once)
     */
    Written write(Path dir, ObjectFile.Layout layout, boolean force) throws IOException;

    /** Ends what the writer runs; puts after this may still write (through the page cache). */
    @Override
    default void close() {
    }

    /** A temporary file holding the whole {@code object}, and whether it was written past the page cache. */
    record Written(Path file, StoredObject object, boolean direct) {
    }
}
