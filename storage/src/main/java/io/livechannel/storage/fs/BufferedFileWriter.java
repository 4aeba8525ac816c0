package io.livechannel.storage.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes an object file through the page cache ({@link ObjectFile#writeBuffered}): uploads always, live output
 * under {@link DirectIo#NEVER}, where the file system refuses {@code O_DIRECT}, and whatever the
 * {@link DirectFileWriter} falls back from. Stateless.
 */
final class BufferedFileWriter implements LiveFileWriter {
    static final BufferedFileWriter INSTANCE = new BufferedFileWriter();

    private BufferedFileWriter() {
    }

    @Override
    public Written write(Path dir, ObjectFile.Layout layout, boolean force) throws IOException {
        Path file = TempNames.next(dir);
        try {
            ObjectFile.writeBuffered(file, layout, force);
        } catch (IOException | RuntimeException e) {
            FileSystemObjectStore.deleteQuietly(file);
            throw e;
        }
        return new Written(file, layout.object(), false);
    }
}
