package io.livechannel.storage.fs;

import io.livechannel.storage.ByteRange;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.livechannel.storage.fs.StoreFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replaced playlists give their inodes to later versions written directly ({@link RecycledFiles}): checked by
 * inode number, with the store's clock set by hand.
 */
class RecycledPlaylistTest {
    private static final String BUCKET = "live";
    private static final PutOptions PLAYLIST = PutOptions.liveOutput("application/x-mpegURL");
    private static final PutOptions SEGMENT = PutOptions.liveOutput("video/MP2T");
    private static final long QUARANTINE = ObjectFileWriter.RECYCLE_QUARANTINE.toNanos();
    private static final long PAUSE_AFTER_SLOW_WRITE = ObjectFileWriter.SLOW_DIRECT_WRITE.toNanos()
            * ObjectFileWriter.PAUSE_PER_SLOW_WRITE_TIME;

    @TempDir
    Path tmp;
    private final AtomicLong nanos = new AtomicLong(-3_000_000_000_000L);
    private FileSystemObjectStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private void open(boolean direct) throws Exception {
        int blockSize = (int) Files.getFileStore(tmp).getBlockSize();
        open(direct ? new DirectWriter(blockSize) : null);
    }

    private void open(DirectWriter writer) throws Exception {
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), FsyncPolicy.DEFAULT,
                dir -> writer, nanos::get);
        store.createBucket(BUCKET);
    }

    @Test
    void aPlaylistVersionIsWrittenIntoTheInodeOfOneReplacedAQuarantineBefore() throws Exception {
        open(true);
        String key = "ch/index.m3u8";
        byte[] v1 = playlist(900, 1);
        store.put(BUCKET, key, ByteBuffer.wrap(v1), PLAYLIST);
        Object inode1 = inode(key);
        store.put(BUCKET, key, ByteBuffer.wrap(playlist(700, 2)), PLAYLIST); // v1 retired now
        Object inode2 = inode(key);
        nanos.addAndGet(QUARANTINE - 1);
        store.put(BUCKET, key, ByteBuffer.wrap(playlist(800, 3)), PLAYLIST); // v2 retired; v1 not ready yet
        Object inode3 = inode(key);
        assertThat(List.of(inode1, inode2, inode3)).as("quarantine not over: new inodes").doesNotHaveDuplicates();

        nanos.addAndGet(1);
        byte[] v4 = playlist(300, 4); // shorter than v1: the reused file is cut to it
        store.put(BUCKET, key, ByteBuffer.wrap(v4), PLAYLIST);

        assertThat(inode(key)).as("v4 in v1's inode").isEqualTo(inode1);
        assertThat(read(key, null)).isEqualTo(v4);
        assertThat(read(key, new ByteRange(10, 19))).isEqualTo(java.util.Arrays.copyOfRange(v4, 10, 20));
        assertThat(store.head(BUCKET, key).orElseThrow().size()).isEqualTo(v4.length);
        assertThat(temporaryFiles()).as("v2 and v3, kept").hasSize(2);
        assertThat(store.list(BUCKET, io.livechannel.storage.ListQuery.prefix("ch/", 10)).objects())
                .singleElement().satisfies(o -> assertThat(o.size()).isEqualTo(v4.length));

        store.close();
        store = null;
        assertThat(temporaryFilesAndSpares()).as("unlinked at close, and the spare files too").isEmpty();
    }

    /**
     * While direct writes pause (after a slow one), a playlist version still goes into a kept inode, in whole blocks
     * through the page cache: a new file's rename over the current version would flush it first (ext4's
     * {@code auto_da_alloc}), waiting for the busy device that caused the pause. After the pause, writes are direct
     * again.
     */
    @Test
    void whileDirectWritesPauseAPlaylistVersionGoesIntoAKeptInodeThroughThePageCache() throws Exception {
        AtomicBoolean nextIsSlow = new AtomicBoolean();
        AtomicInteger directWrites = new AtomicInteger();
        int blockSize = Math.max(DirectWriter.PAGE_BYTES, (int) Files.getFileStore(tmp).getBlockSize());
        open(countingWriter(blockSize, directWrites, nextIsSlow));
        String key = "ch/index.m3u8";
        store.put(BUCKET, key, ByteBuffer.wrap(playlist(900, 1)), PLAYLIST);
        Object inode1 = inode(key);
        store.put(BUCKET, key, ByteBuffer.wrap(playlist(700, 2)), PLAYLIST); // v1 kept
        nanos.addAndGet(QUARANTINE);
        nextIsSlow.set(true);
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(100_000, 9)), SEGMENT); // slow: direct writes pause
        int directBefore = directWrites.get();

        byte[] v3 = playlist(1_500, 3); // longer than v1: the kept file grows
        store.put(BUCKET, key, ByteBuffer.wrap(v3), PLAYLIST);

        assertThat(directWrites.get()).as("paused: not written directly").isEqualTo(directBefore);
        assertThat(inode(key)).as("v3 in v1's inode").isEqualTo(inode1);
        assertThat(read(key, null)).isEqualTo(v3);
        assertThat(read(key, new ByteRange(1_000, 1_499))).isEqualTo(java.util.Arrays.copyOfRange(v3, 1_000, 1_500));
        assertThat(store.head(BUCKET, key).orElseThrow().size()).isEqualTo(v3.length);
        assertThat(Files.size(objectFile(key)) % blockSize).as("whole blocks, as a direct write leaves it").isZero();

        nanos.addAndGet(PAUSE_AFTER_SLOW_WRITE);
        byte[] v4 = playlist(600, 4);
        store.put(BUCKET, key, ByteBuffer.wrap(v4), PLAYLIST);
        assertThat(directWrites.get()).as("the pause is over: direct again").isEqualTo(directBefore + 1);
        assertThat(read(key, null)).isEqualTo(v4);
    }

    /**
     * A pause lasts four times the slow write that started it at most: a put
     * {@link ObjectFileWriter#PROBE_INTERVAL} after the pause began is written directly as a probe, and when the
     * device takes it in time, the next puts are direct again. Before the interval, puts go through the page cache.
     */
    @Test
    void aDirectProbeThatTheDeviceTakesInTimeEndsAPauseEarly() throws Exception {
        AtomicBoolean nextIsSlow = new AtomicBoolean();
        AtomicInteger directWrites = new AtomicInteger();
        open(countingWriter((int) Files.getFileStore(tmp).getBlockSize(), directWrites, nextIsSlow));
        store.put(BUCKET, "ch/0.ts", ByteBuffer.wrap(bytes(100_000, 0)), SEGMENT); // makes the directory
        nextIsSlow.set(true);
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(100_000, 1)), SEGMENT); // slow: a pause of 800 ms
        int afterSlow = directWrites.get();

        nanos.addAndGet(ObjectFileWriter.PROBE_INTERVAL.toNanos() - 1);
        store.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(bytes(100_000, 2)), SEGMENT);
        assertThat(directWrites.get()).as("before the probe interval: page cache").isEqualTo(afterSlow);

        nanos.addAndGet(1);
        byte[] probed = bytes(100_000, 3);
        store.put(BUCKET, "ch/3.ts", ByteBuffer.wrap(probed), SEGMENT);
        assertThat(directWrites.get()).as("the probe: direct").isEqualTo(afterSlow + 1);
        assertThat(read("ch/3.ts", null)).isEqualTo(probed);

        store.put(BUCKET, "ch/4.ts", ByteBuffer.wrap(bytes(100_000, 4)), SEGMENT);
        store.put(BUCKET, "ch/5.ts", ByteBuffer.wrap(bytes(100_000, 5)), SEGMENT);
        assertThat(directWrites.get()).as("the pause is over, 750 ms early").isEqualTo(afterSlow + 3);
    }

    /**
     * Without direct writes nothing is kept: a buffered write into a kept file whose page is not cached would read
     * the old block from the disk first.
     */
    @Test
    void aStoreThatWritesThroughThePageCacheKeepsNothing() throws Exception {
        open(false);
        String key = "ch/index.m3u8";
        store.put(BUCKET, key, ByteBuffer.wrap(playlist(900, 1)), PLAYLIST);
        store.put(BUCKET, key, ByteBuffer.wrap(playlist(700, 2)), PLAYLIST);
        assertThat(awaitTemporaryFiles()).as("the replaced version unlinked, not kept").isEmpty();
        nanos.addAndGet(QUARANTINE);
        byte[] v3 = playlist(300, 3);
        store.put(BUCKET, key, ByteBuffer.wrap(v3), PLAYLIST);

        assertThat(read(key, null)).isEqualTo(v3);
        assertThat(awaitTemporaryFiles()).as("replaced versions unlinked").isEmpty();
    }

    @Test
    void segmentsAndUploadsAreNotKept() throws Exception {
        open(true);
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(100_000, 1)), SEGMENT);
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(100_000, 2)), SEGMENT);
        store.put(BUCKET, "up.txt", ByteBuffer.wrap(bytes(100, 3)), PutOptions.of("text/plain"));
        store.put(BUCKET, "up.txt", ByteBuffer.wrap(bytes(100, 4)), PutOptions.of("text/plain"));

        assertThat(awaitTemporaryFiles()).as("both replaced versions unlinked").isEmpty();
    }

    @Test
    void aSmallObjectIsReadWholeBeforeGetReturns() throws Exception {
        open(false);
        byte[] v1 = playlist(500, 5);
        store.put(BUCKET, "ch/index.m3u8", ByteBuffer.wrap(v1), PLAYLIST);
        Path file = objectFile("ch/index.m3u8");

        try (ObjectStream s = store.get(BUCKET, "ch/index.m3u8", null)) {
            // what a reuse of the inode would do while a lazy reader still held it open
            try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[(int) Files.size(file)]), 0);
            }
            assertThat(s.content().readAllBytes()).isEqualTo(v1);
        }
    }

    /**
     * A kept file is overwritten in place once its quarantine is over, so a reader that stalled that long after its
     * open would read parts of two versions: the content no longer matches the checksum in the header. Such a read
     * is retried, and a file that never matches is reported, not served.
     */
    @Test
    void aSmallLiveObjectThatDoesNotMatchItsChecksumIsNotServed() throws Exception {
        open(true);
        String key = "ch/index.m3u8";
        byte[] v1 = playlist(500, 5);
        store.put(BUCKET, key, ByteBuffer.wrap(v1), PLAYLIST);
        Path file = objectFile(key);
        long contentStart = findContent(file, v1);
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("#EXTINF:9.999,\n".getBytes(StandardCharsets.US_ASCII)), contentStart + 200);
        }

        assertThatThrownBy(() -> read(key, null)).isInstanceOf(StorageException.class)
                .hasMessageContaining("does not match its checksum in " + FileSystemObjectStore.SMALL_READ_ATTEMPTS
                        + " reads")
                .satisfies(e -> assertThat(((StorageException) e).kind()).isEqualTo(StorageException.Kind.IO));
        assertThatThrownBy(() -> read(key, new ByteRange(0, 9))).as("a range of it too")
                .isInstanceOf(StorageException.class);

        byte[] v2 = playlist(600, 6);
        store.put(BUCKET, key, ByteBuffer.wrap(v2), PLAYLIST);
        assertThat(read(key, null)).as("the next version reads").isEqualTo(v2);
    }

    /** Where {@code content} starts in {@code file} (a direct write pads the file after it). */
    private static long findContent(Path file, byte[] content) throws IOException {
        byte[] all = Files.readAllBytes(file);
        for (int i = 0; i + content.length <= all.length; i++) {
            if (java.util.Arrays.equals(all, i, i + content.length, content, 0, content.length)) {
                return i;
            }
        }
        throw new AssertionError("content not in " + file);
    }

    /**
     * A direct writer that counts its writes, and makes the next one take
     * {@link ObjectFileWriter#SLOW_DIRECT_WRITE} on the store's clock when {@code nextIsSlow} is set.
     */
    private DirectWriter countingWriter(int blockSize, AtomicInteger directWrites, AtomicBoolean nextIsSlow) {
        return new DirectWriter(blockSize) {
            @Override
            void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing) throws IOException {
                directWrites.incrementAndGet();
                super.writeFile(file, aligned, force, existing);
                if (nextIsSlow.getAndSet(false)) {
                    nanos.addAndGet(ObjectFileWriter.SLOW_DIRECT_WRITE.toNanos());
                }
            }
        };
    }

    private List<Path> awaitTemporaryFiles() throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<Path> left = temporaryFiles();
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5); // the unlinker thread deletes them
            left = temporaryFiles();
        }
        return left;
    }

    /** Temporary files but the empty ones made ahead of need ({@link SpareFiles}). */
    private List<Path> temporaryFiles() throws IOException {
        return temporaryFilesAndSpares().stream()
                .filter(p -> !p.getFileName().toString().endsWith(FileSystemObjectStore.SPARE_SUFFIX)).toList();
    }

    private List<Path> temporaryFilesAndSpares() throws IOException {
        try (Stream<Path> files = Files.walk(tmp.resolve("objects"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(FileSystemObjectStore.TEMP_PREFIX))
                    .toList();
        }
    }

    private Object inode(String key) throws Exception {
        return Files.getAttribute(objectFile(key), "unix:ino");
    }

    private Path objectFile(String key) throws StorageException {
        return StoreFiles.objectFile(tmp.resolve("objects").resolve(BUCKET), key);
    }

    private byte[] read(String key, ByteRange range) throws Exception {
        try (ObjectStream s = store.get(BUCKET, key, range)) {
            return s.content().readAllBytes();
        }
    }

    /** A playlist-like text of {@code size} bytes, different per seed. */
    private static byte[] playlist(int size, int seed) {
        StringBuilder sb = new StringBuilder("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:" + seed + "\n");
        while (sb.length() < size) {
            sb.append("#EXTINF:2.000,\n").append(seed).append('-').append(sb.length()).append(".ts\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }
}
