package io.livechannel.storage.catalog;

import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CatalogBatcher} on a real SQLite catalog. */
class CatalogBatcherTest {
    @TempDir
    Path dir;
    private JdbcMetadataStore store;
    private CatalogBatcher batcher;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);

    @BeforeEach
    void open() {
        store = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        store.buckets().create(new Bucket("b1", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
    }

    @AfterEach
    void close() {
        release.countDown();
        if (batcher != null) {
            batcher.close();
        }
        store.close();
    }

    private static SegmentRecord segment(int i) {
        return new SegmentRecord("b1", "cam1", "cam1/" + i + ".ts", 1_000_000L + i * 2000L, 2_000_000, i, false,
                188 * 1000);
    }

    /** Holds the batch thread inside an update until {@link #release}, so that what is submitted next queues up. */
    private CompletableFuture<Void> holdTheBatchThread() {
        return batcher.submit("hold", m -> {
            holding.countDown();
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void updatesQueuedMeanwhileAreCommittedTogetherInTheOrderSubmitted() throws Exception {
        batcher = new CatalogBatcher(store, 1000, Duration.ZERO);
        CompletableFuture<Void> held = holdTheBatchThread();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int n = i;
            done.add(batcher.submit("index segment", m -> m.segments().add(segment(n))));
            done.add(batcher.submit("save counters", m -> m.channels().saveCounters("b1", "cam1",
                    new PlaylistCounters(n + 1, n / 100))));
        }
        long commitsBefore = batcher.commits();
        release.countDown();
        held.get(30, TimeUnit.SECONDS);
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(300);
        assertThat(store.channels().counters("b1", "cam1")).as("the last counters submitted win")
                .isEqualTo(new PlaylistCounters(300, 2));
        assertThat(batcher.commits() - commitsBefore).as("commits for 600 updates queued behind one")
                .isBetween(2L, (long) (1 + Math.ceil(600.0 / CatalogBatcher.MAX_BATCH)));
    }

    @Test
    void updatesArrivingWithinTheLingerShareOneCommit() throws Exception {
        batcher = new CatalogBatcher(store, 1000, Duration.ofSeconds(2));
        batcher.submit("index segment", m -> m.segments().add(segment(0))).get(30, TimeUnit.SECONDS);
        assertThat(batcher.commits()).isEqualTo(1);
        List<CompletableFuture<Void>> spaced = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            int n = i;
            spaced.add(batcher.submit("index segment", m -> m.segments().add(segment(n))));
            Thread.sleep(10); // arriving one by one, as segments of different channels do
        }
        CompletableFuture.allOf(spaced.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(batcher.commits()).as("the first commit, then one for the ten").isEqualTo(2);
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(11);
    }

    @Test
    void aFailingUpdateFailsAloneAndTheOthersOfItsBatchAreCommitted() throws Exception {
        batcher = new CatalogBatcher(store, 1000, Duration.ZERO);
        holdTheBatchThread();
        CompletableFuture<Void> before = batcher.submit("index segment", m -> m.segments().add(segment(1)));
        CompletableFuture<Void> bad = batcher.submit("bad update", m -> {
            m.segments().add(segment(2)); // rolled back with the failure
            throw new CatalogException("the update failed");
        });
        CompletableFuture<Void> after = batcher.submit("index segment", m -> m.segments().add(segment(3)));
        release.countDown();

        before.get(30, TimeUnit.SECONDS);
        after.get(30, TimeUnit.SECONDS);
        assertThat(bad).failsWithin(30, TimeUnit.SECONDS).withThrowableThat()
                .havingCause().isInstanceOf(CatalogException.class).withMessage("the update failed");
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).extracting(SegmentRecord::objectKey)
                .containsExactly("cam1/1.ts", "cam1/3.ts");
        assertThat(batcher.failedUpdates()).isEqualTo(1);
        assertThat(batcher.committedUpdates()).as("the holding update and the two good ones").isEqualTo(3);
    }

    @Test
    void anUpdateThrowingAnErrorFailsAloneAndTheBatchThreadGoesOn() throws Exception {
        batcher = new CatalogBatcher(store, 1000, Duration.ZERO);
        CompletableFuture<Void> error = batcher.submit("broken update", m -> {
            throw new StackOverflowError("thrown by the test");
        });
        assertThat(error).failsWithin(30, TimeUnit.SECONDS).withThrowableThat()
                .havingCause().isInstanceOf(StackOverflowError.class);
        batcher.submit("index segment", m -> m.segments().add(segment(1))).get(30, TimeUnit.SECONDS);
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(1);
    }

    @Test
    void closeCommitsWhatIsQueuedAndLaterSubmissionsFail() throws Exception {
        batcher = new CatalogBatcher(store, 1000, Duration.ZERO);
        holdTheBatchThread();
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            queued.add(batcher.submit("index segment", m -> m.segments().add(segment(n))));
        }
        release.countDown();
        batcher.close();

        assertThat(queued).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(100);
        assertThat(batcher.submit("index segment", m -> m.segments().add(segment(100))))
                .failsWithin(0, TimeUnit.SECONDS).withThrowableThat().havingCause()
                .withMessage("index segment refused: the catalog is closing");
    }

    @Test
    void aFullQueueBlocksTheSubmitterUntilThereIsRoom() throws Exception {
        batcher = new CatalogBatcher(store, 2, Duration.ZERO);
        holdTheBatchThread();
        assertThat(holding.await(30, TimeUnit.SECONDS)).as("the batch thread took the holding update").isTrue();
        batcher.submit("index segment", m -> m.segments().add(segment(1)));
        batcher.submit("index segment", m -> m.segments().add(segment(2)));
        CompletableFuture<CompletableFuture<Void>> third = new CompletableFuture<>();
        Thread submitter = new Thread(() -> third.complete(
                batcher.submit("index segment", m -> m.segments().add(segment(3)))));
        submitter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (submitter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.yield(); // until the submitter parks on the full queue (no event tells us)
        }
        assertThat(submitter.getState()).as("the third submitter waits for room").isEqualTo(Thread.State.WAITING);
        assertThat(third).isNotDone();

        release.countDown();
        third.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(3);
    }
}
