package io.livechannel.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.storage.ObjectKey;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The on-disk object header ({@link ObjectFile}). Properties: any file content either reads as a header whose
 * content length fits in the file, or fails with an {@link IOException} (a damaged or foreign file is an I/O error
 * of that one object, never another exception); reading never allocates by a length the file declares (at most
 * {@link #MAX_READ_ALLOCATION} for any file); and any object the store can be asked to write reads back with the
 * same key, size, ETag, last-modified time, content type and metadata. Corpus: {@code ObjectFileFuzzTestInputs/}.
 */
class ObjectFileFuzzTest {
    /** The header buffer and the strings it holds, many times over; far below what a declared length could ask. */
    static final long MAX_READ_ALLOCATION = 64L * ObjectFile.MAX_HEADER_BYTES;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static Path dir;

    @BeforeAll
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("object-file-fuzz");
        warmUp();
    }

    /**
     * Reads a valid and a damaged file once before any input is measured: loading and initialising the classes of
     * the read path (and, when fuzzing, Jazzer's hooks in them) allocates on the first call whatever the file
     * holds, which is not what the bound is about.
     */
    private static void warmUp() throws IOException {
        ObjectFile.Layout layout = ObjectFile.layout("warm", ByteBuffer.wrap(new byte[] {1}),
                new PutOptions("text/plain", Map.of("k", "v"), PutOptions.Origin.UPLOAD), Instant.EPOCH);
        Path valid = dir.resolve("warm");
        ObjectFile.writeBuffered(valid, layout, false);
        Path damaged = Files.write(dir.resolve("warm-damaged"), new byte[] {'L', 'C', 0, 1, 2});
        for (Path file : new Path[] {valid, damaged}) {
            try (FileChannel ch = FileChannel.open(file)) {
                ObjectFile.read(ch);
            } catch (IOException expectedForTheDamagedOne) {
                // the failing path is warmed as well
            }
        }
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @FuzzTest(maxDuration = "60s")
    void readsAHeaderOrFailsWithIOException(byte[] data) throws IOException {
        Path file = Files.write(dir.resolve("any"), data);
        try (FileChannel ch = FileChannel.open(file)) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            ObjectFile.Header header;
            try {
                header = ObjectFile.read(ch);
            } catch (IOException damaged) {
                assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).isLessThan(MAX_READ_ALLOCATION);
                return;
            }
            assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).isLessThan(MAX_READ_ALLOCATION);
            assertThat(header.contentOffset()).isBetween(44, ObjectFile.MAX_HEADER_BYTES);
            assertThat(header.contentOffset() + header.object().size()).isLessThanOrEqualTo(ch.size());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void writtenObjectsReadBack(FuzzedDataProvider data) throws IOException {
        String key = data.consumeString(1100);
        String contentType = data.consumeBoolean() ? null : data.consumeString(1100);
        Map<String, String> metadata = new HashMap<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            metadata.put(data.consumeString(64), data.consumeString(3000));
        }
        Instant lastModified = Instant.ofEpochMilli(data.consumeLong());
        PutOptions.Origin origin = data.consumeBoolean() ? PutOptions.Origin.UPLOAD : PutOptions.Origin.LIVE_OUTPUT;
        byte[] content = data.consumeRemainingAsBytes();
        PutOptions options;
        try {
            ObjectKey.checkedUtf8(key);
            options = new PutOptions(contentType, metadata, origin);
        } catch (StorageException | IllegalArgumentException refusedBeforeWriting) {
            return;
        }
        ObjectFile.Layout layout = ObjectFile.layout(key, ByteBuffer.wrap(content), options, lastModified);
        Path file = dir.resolve("written");
        Files.deleteIfExists(file);
        ObjectFile.writeBuffered(file, layout, false);
        try (FileChannel ch = FileChannel.open(file)) {
            ObjectFile.Header header = ObjectFile.read(ch);
            assertThat(header.object()).isEqualTo(layout.object());
            assertThat(header.contentOffset()).isEqualTo(layout.header().remaining());
            ByteBuffer read = ByteBuffer.allocate(content.length);
            while (read.hasRemaining() && ch.read(read, header.contentOffset() + read.position()) >= 0) {
                // positional reads to the end of the content
            }
            assertThat(read.array()).isEqualTo(content);
        }
    }
}
