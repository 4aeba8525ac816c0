package io.livechannel.storage.fs;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Writes whole object files with {@code O_DIRECT}: header and content are copied into a block-aligned buffer of
 * this writer's pool, padded with zeros to a whole number of blocks, and handed to the device in one write that
 * bypasses the page cache. {@link ObjectFile} allows that padding (less than one block) after the content.
 *
 * <p>Why (issue 9): a buffered write copies every byte into page-cache memory, which on a virtual machine whose
 * host reclaims the guest's free memory costs far more than the copy itself (the kernel's
 * {@code copy_folio_from_iter_atomic} was 55 % of the write threads' CPU at 1 Gbit/s of ingest); the dirty pages
 * are then written back in bursts that throttle every writer ({@code wbt_wait}), and ext4 flushes a replaced
 * file's delayed blocks inside {@code rename} ({@code auto_da_alloc}), which held playlist renames for up to
 * seconds. A direct write copies into a buffer that stays mapped, allocates blocks at once (so a later rename has
 * nothing to flush) and leaves no dirty data behind. The price: the first read of such an object comes from the
 * device, not from memory.
 *
 * <p>Buffers: at most {@link #POOLED_BUFFERS} are kept, each of at most {@link #MAX_POOLED_BYTES}; a write needing
 * more allocates a buffer that is dropped afterwards. Objects over {@link #MAX_OBJECT_BYTES} are not written here.
 *
 * <p>Threading: thread-safe; {@link #writeFile} (and {@link #write}) block until the device has the data, which
 * {@link DirectWriteThreads} runs on threads of their own. Not final only so that tests can make a write look slow.
 */
class DirectWriter {
    private static final Logger log = LoggerFactory.getLogger(DirectWriter.class);
    /** The largest object (header, content and padding) written directly; larger ones go through the page cache. */
    static final int MAX_OBJECT_BYTES = 16 * 1024 * 1024;
    static final int MAX_POOLED_BYTES = 4 * 1024 * 1024;
    static final int POOLED_BUFFERS = 16;
    private static final int INITIAL_BUFFER_BYTES = 1024 * 1024;
    /** Block sizes above this are refused by {@link #probe}, so padding never needs more zeros. */
    static final int MAX_BLOCK_BYTES = 64 * 1024;
    private static final byte[] ZEROS = new byte[MAX_BLOCK_BYTES];
    /**
     * The page size {@link #blocksArePages} assumes: x86-64's, and arm64's usual one. Under larger pages a block
     * write may read the rest of its page first: correct, only slower.
     */
    static final int PAGE_BYTES = 4096;

    private final int blockSize;
    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();

    /** A writer that pads and aligns to {@code blockSize}, unprobed; {@link #probe} is what the store uses. */
    DirectWriter(int blockSize) {
        this.blockSize = blockSize;
    }

    /**
     * A writer for files under {@code dir}, or null when its file system refuses {@code O_DIRECT} (tmpfs on older
     * kernels, some network file systems) or its block size is unusable: found by writing and deleting one block,
     * under a temporary name that the store's next open removes if a crash leaves it.
     */
    static DirectWriter probe(Path dir) {
        String name = FileSystemObjectStore.TEMP_PREFIX + "direct-io-probe-" + ProcessHandle.current().pid();
        Path probe = dir.resolve(name);
        try {
            long size = Files.getFileStore(dir).getBlockSize();
            if (size < 512 || size > MAX_BLOCK_BYTES || Long.bitCount(size) != 1) {
                log.info("direct I/O off under {}: block size {} is not a power of two from 512 to 64 KiB", dir, size);
                return null;
            }
            DirectWriter writer = new DirectWriter((int) size);
            ByteBuffer block = writer.take(writer.blockSize);
            try {
                writer.writeFile(probe, block, false, false);
            } finally {
                writer.give(block);
            }
            return writer;
        } catch (IOException | UnsupportedOperationException e) {
            log.info("direct I/O off under {}: {}", dir, e.toString());
            return null;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", probe, e.toString());
            }
        }
    }

    int blockSize() {
        return blockSize;
    }

    /** Whether an object file of {@code fileBytes} (header and content) is written here rather than buffered. */
    boolean accepts(long fileBytes) {
        return fileBytes <= MAX_OBJECT_BYTES - blockSize;
    }

    /**
     * Creates (or overwrites, when {@code existing}) {@code file} holding the layout's header, then its content, then
     * zeros up to the next block boundary: {@link #fill}, {@link #writeFile}, {@link #give} on the calling thread.
     *
     * @param force whether to fsync the file (its size and block map) before returning
     * @throws java.nio.file.NoSuchFileException when {@code file}'s directory does not exist
     */
    void write(Path file, ObjectFile.Layout layout, boolean force, boolean existing) throws IOException {
        ByteBuffer aligned = fill(layout);
        try {
            writeFile(file, aligned, force, existing);
        } finally {
            give(aligned);
        }
    }

    /**
     * A buffer of this writer's pool holding the layout's header, content and the zeros up to the next block
     * boundary, flipped for {@link #writeFile}; hand it back with {@link #give}. The layout's buffers do not move,
     * and are not needed once this returns.
     */
    ByteBuffer fill(ObjectFile.Layout layout) {
        int length = Math.toIntExact(layout.fileBytes());
        int padded = roundUp(length);
        ByteBuffer buf = take(padded);
        buf.clear();
        buf.put(layout.header().duplicate()).put(layout.content().duplicate());
        buf.put(ZEROS, 0, padded - length);
        return buf.flip();
    }

    /**
     * Creates {@code file} (which must not exist), or overwrites it from its start when {@code existing}, with the
     * remaining bytes of {@code aligned} (from {@link #fill}), past the page cache; an existing file is then cut to
     * that length. The position of {@code aligned} moves to its limit. This is the part that waits for the device;
     * tests override it to make a write slow or hold it.
     *
     * @param force whether to fsync the file (its size and block map) before returning
     * @throws java.nio.file.NoSuchFileException when {@code file}'s directory does not exist, or an {@code existing}
     *     file does not
     */
    void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing) throws IOException {
        try (FileChannel ch = existing
                ? FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        ExtendedOpenOption.DIRECT)) {
            writeWhole(ch, aligned, existing, force);
        }
    }

    /**
     * Writes the rest of {@code aligned} from the file's start, cuts an {@code existing} file there when it was longer
     * (not an empty spare file: ext4 runs its truncate even for the same size, which also drops the file's block
     * preallocation), and fsyncs.
     */
    private static void writeWhole(FileChannel ch, ByteBuffer aligned, boolean existing, boolean force)
            throws IOException {
        int length = aligned.remaining();
        while (aligned.hasRemaining()) {
            ch.write(aligned);
        }
        if (existing && ch.size() != length) {
            ch.truncate(length);
        }
        if (force) {
            ch.force(true);
        }
    }

    /**
     * Overwrites {@code file}, which exists and holds a replaced version ({@link RecycledFiles}), from its start with
     * {@link #fill}'s whole blocks <em>through the page cache</em>, then cuts it to the new length: what the store does
     * with small live output while direct writes are paused ({@link FileSystemObjectStore}). The write lands on
     * blocks the file already has, and the block size is a whole number of pages, so nothing is read from the
     * device first and no block waits for delayed allocation: the {@code rename} that replaces the current version
     * then has nothing to flush, where a new file's would ({@code auto_da_alloc}, see the class comment). A version
     * longer than the old file's blocks allocates the rest as usual.
     *
     * @param force whether to fsync the file before returning
     */
    void overwriteThroughPageCache(Path file, ObjectFile.Layout layout, boolean force) throws IOException {
        ByteBuffer aligned = fill(layout);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeWhole(ch, aligned, true, force); // cut to the padded length, as a direct write leaves it
        } finally {
            give(aligned);
        }
    }

    /** Whether a write of whole blocks is a write of whole pages ({@link #overwriteThroughPageCache}). */
    boolean blocksArePages() {
        return blockSize % PAGE_BYTES == 0;
    }

    private int roundUp(int length) {
        return (length + blockSize - 1) & -blockSize;
    }

    /** A block-aligned buffer of at least {@code bytes}, from the pool when one is large enough. */
    private ByteBuffer take(int bytes) {
        ByteBuffer pooled = pool.poll();
        if (pooled != null && pooled.capacity() >= bytes) {
            return pooled;
        }
        int capacity = Math.max(roundUp(bytes), pooled == null ? INITIAL_BUFFER_BYTES : pooled.capacity() * 2);
        return ByteBuffer.allocateDirect(capacity + blockSize).alignedSlice(blockSize);
    }

    /** Takes back a buffer from {@link #fill} (or the probe's); it must not be used afterwards. */
    void give(ByteBuffer buf) {
        if (buf.capacity() <= MAX_POOLED_BYTES && pool.size() < POOLED_BUFFERS) {
            pool.offer(buf);
        }
    }
}
