package io.livechannel.storage.fs;

import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.livechannel.storage.fs.StoreFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live output goes into empty files made ahead of need ({@link SpareFiles}), told apart by inode number: directly,
 * and through the page cache while direct writes pause; spares never show in listings, never keep a bucket from
 * being deleted, and are gone after close. Waits are bounds against a hang (spares are made on a thread of their
 * own); the store's clock for pauses is set by hand.
 */
class SegmentIntoSpareFileTest {
    private static final String BUCKET = "live";
    private static final PutOptions SEGMENT = PutOptions.liveOutput("video/MP2T");
    private static final int SPARES = ObjectFileWriter.SPARES_PER_DIRECTORY;

    @TempDir
    Path tmp;
    private final AtomicLong nanos = new AtomicLong(-7_000_000_000L);
    private final AtomicBoolean nextIsSlow = new AtomicBoolean();
    private FileSystemObjectStore store;
    private int blockSize;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** A store writing directly, whose next direct write takes {@link ObjectFileWriter#SLOW_DIRECT_WRITE}. */
    private void open() throws Exception {
        blockSize = (int) Files.getFileStore(tmp).getBlockSize();
        store = new FileSystemObjectStore(tmp.resolve("objects"), Clock.systemUTC(), FsyncPolicy.DEFAULT,
                dir -> new DirectWriter(blockSize) {
                    @Override
                    void writeFile(Path file, ByteBuffer aligned, boolean force, boolean existing)
                            throws IOException {
                        super.writeFile(file, aligned, force, existing);
                        if (nextIsSlow.getAndSet(false)) {
                            nanos.addAndGet(ObjectFileWriter.SLOW_DIRECT_WRITE.toNanos());
                        }
                    }
                }, nanos::get, Duration.ofDays(1));
        store.createBucket(BUCKET);
    }

    @Test
    void aSegmentIsWrittenDirectlyIntoASpareMadeAfterTheFirstOne() throws Exception {
        open();
        byte[] first = bytes(300_000, 1);
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(first), SEGMENT);
        List<Object> spareInodes = awaitSpares("ch");

        byte[] second = bytes(200_000, 2);
        StoredObject stored = store.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(second), SEGMENT);

        assertThat(inode("ch/2.ts")).as("written into a spare").isIn(spareInodes);
        assertThat(fileBytes("ch/2.ts") % blockSize).as("direct: padded to blocks").isZero();
        assertThat(read("ch/2.ts")).isEqualTo(second);
        assertThat(read("ch/1.ts")).isEqualTo(first);
        assertThat(store.head(BUCKET, "ch/2.ts").orElseThrow()).isEqualTo(stored);
        assertThat(store.list(BUCKET, ListQuery.prefix("", 100)).objects()).as("spares are not listed")
                .extracting(StoredObject::key).containsExactly("ch/1.ts", "ch/2.ts");
        awaitSpares("ch");
    }

    @Test
    void whileDirectWritesPauseASegmentGoesIntoASpareThroughThePageCache() throws Exception {
        open();
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(100_000, 1)), SEGMENT);
        awaitSpares("ch");
        nextIsSlow.set(true);
        store.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(bytes(100_000, 2)), SEGMENT); // slow: direct writes pause
        List<Object> spareInodes = awaitSpares("ch");

        byte[] third = bytes(150_001, 3);
        store.put(BUCKET, "ch/3.ts", ByteBuffer.wrap(third), SEGMENT);

        assertThat(inode("ch/3.ts")).as("written into a spare").isIn(spareInodes);
        assertThat(fileBytes("ch/3.ts") % blockSize).as("through the page cache: not padded").isNotZero();
        assertThat(read("ch/3.ts")).isEqualTo(third);
    }

    /** Spares are empty by construction; one that is not (written to behind the store's back) is cut to the object. */
    @Test
    void aSpareThatIsNotEmptyIsCutToTheObjectDirectlyAndThroughThePageCache() throws Exception {
        open();
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(100_000, 1)), SEGMENT);
        awaitSpares("ch");
        for (String name : spareNames("ch")) {
            Files.write(dir("ch").resolve(name), bytes(400_000, 9));
        }
        byte[] direct = bytes(150_001, 2);
        store.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(direct), SEGMENT);
        nextIsSlow.set(true);
        store.put(BUCKET, "ch/3.ts", ByteBuffer.wrap(bytes(1_000, 3)), SEGMENT); // slow: direct writes pause
        byte[] buffered = bytes(150_001, 4);
        store.put(BUCKET, "ch/4.ts", ByteBuffer.wrap(buffered), SEGMENT);

        long directFile = fileBytesOf("ch/2.ts", direct);
        assertThat(fileBytes("ch/2.ts")).as("direct: padded to the next block only")
                .isEqualTo((directFile + blockSize - 1) / blockSize * blockSize);
        assertThat(fileBytes("ch/4.ts")).as("through the page cache: exactly the object")
                .isEqualTo(fileBytesOf("ch/4.ts", buffered));
        assertThat(read("ch/2.ts")).isEqualTo(direct);
        assertThat(read("ch/4.ts")).isEqualTo(buffered);
    }

    @Test
    void uploadsTakeNoSparesAndMakeNone() throws Exception {
        open();
        store.put(BUCKET, "up/a.bin", ByteBuffer.wrap(bytes(5_000, 1)), PutOptions.of("application/octet-stream"));
        store.put(BUCKET, "up/b.bin", new ByteArrayInputStream(bytes(5_000, 2)), 5_000,
                PutOptions.of("application/octet-stream"));
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(1_000, 3)), SEGMENT);
        awaitSpares("ch"); // made on the one spare thread, after anything asked for before

        assertThat(spareNames("up")).isEmpty();
    }

    @Test
    void aBucketWithSparesLeftIsDeletedWhenItsObjectsAre() throws Exception {
        open();
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(1_000, 1)), SEGMENT);
        store.put(BUCKET, "ch2/1.ts", ByteBuffer.wrap(bytes(1_000, 2)), SEGMENT);
        awaitSpares("ch");
        awaitSpares("ch2");
        store.delete(BUCKET, "ch/1.ts");
        store.delete(BUCKET, "ch2/1.ts");

        store.deleteBucket(BUCKET);

        assertThat(tmp.resolve("objects").resolve(BUCKET)).doesNotExist();
        store.createBucket(BUCKET);
        byte[] again = bytes(1_000, 3);
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(again), SEGMENT);
        assertThat(read("ch/1.ts")).as("the forgotten spares are not used").isEqualTo(again);
    }

    @Test
    void sparesDeletedBehindTheStoresBackAreForgottenAndThePutSucceeds() throws Exception {
        open();
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(1_000, 1)), SEGMENT);
        awaitSpares("ch");
        for (String name : spareNames("ch")) {
            Files.delete(dir("ch").resolve(name));
        }

        byte[] second = bytes(70_000, 2);
        store.put(BUCKET, "ch/2.ts", ByteBuffer.wrap(second), SEGMENT);

        assertThat(read("ch/2.ts")).isEqualTo(second);
        awaitSpares("ch");
    }

    @Test
    void closeRemovesTheSpares() throws Exception {
        open();
        store.put(BUCKET, "ch/1.ts", ByteBuffer.wrap(bytes(1_000, 1)), SEGMENT);
        awaitSpares("ch");

        store.close();
        store = null;

        assertThat(spareNames("ch")).isEmpty();
    }

    /** Waits until {@code dir} holds its full count of spares; returns their inodes. */
    private List<Object> awaitSpares(String dir) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<String> names = spareNames(dir);
        while (names.size() != SPARES) {
            assertThat(System.nanoTime() - deadline).as("spares in " + dir + " within 30 s: " + names).isNegative();
            Thread.sleep(1);
            names = spareNames(dir);
        }
        List<Object> inodes = new ArrayList<>();
        for (String name : names) {
            inodes.add(Files.getAttribute(dir(dir).resolve(name), "unix:ino"));
        }
        return inodes;
    }

    private List<String> spareNames(String dir) throws IOException, StorageException {
        if (!Files.isDirectory(dir(dir))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir(dir))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(FileSystemObjectStore.SPARE_SUFFIX)).sorted().toList();
        }
    }

    private Path dir(String name) throws StorageException {
        return objectFile(name + "/x").getParent();
    }

    private Object inode(String key) throws Exception {
        return Files.getAttribute(objectFile(key), "unix:ino");
    }

    private long fileBytes(String key) throws Exception {
        return Files.size(objectFile(key));
    }

    /** The length of the object file (header and content) that {@code content} under {@code key} makes. */
    private static long fileBytesOf(String key, byte[] content) throws IOException {
        return ObjectFile.layout(key, ByteBuffer.wrap(content), SEGMENT, Instant.now()).fileBytes();
    }

    private Path objectFile(String key) throws StorageException {
        return StoreFiles.objectFile(tmp.resolve("objects").resolve(BUCKET), key);
    }

    private byte[] read(String key) throws Exception {
        try (ObjectStream s = store.get(BUCKET, key, null)) {
            return s.content().readAllBytes();
        }
    }
}
