package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.CatalogUnavailableException;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.storage.testing.PostgresFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL server going away while a store is open, and coming back. */
class PostgresOutageTest {
    /** The pool's reconnect backoff (at most 5 s) plus one pool wait, with room for a loaded machine. */
    private static final long RECOVERY_BOUND_SECONDS = 15;
    /** A call's failure shows the same way after any pool wait: the shortest keeps the outage short. */
    private static final JdbcMetadataStore.Waits WAITS = JdbcMetadataStore.Waits.DEFAULT.withPoolWaitMillis(500);
    private PostgresFixture pg;
    private JdbcMetadataStore store;

    @BeforeEach
    void open() throws Exception {
        pg = PostgresFixture.start();
        store = JdbcMetadataStore.openPostgres(pg.createDatabase("outage"), pg.user(), pg.password(), WAITS);
        store.buckets().create(new Bucket("b1", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        pg.close();
    }

    @Test
    void callsFailAsUnavailableWithinThePoolWaitWhileTheServerIsDownAndSucceedOnceItIsBack() throws Exception {
        pg.stopServer();
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.buckets().find("b1")).isInstanceOf(CatalogUnavailableException.class);
        assertThatThrownBy(() -> store.channels().counters("b1", "cam1"))
                .isInstanceOf(CatalogUnavailableException.class);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMillis).isLessThan(2 * WAITS.poolWaitMillis() + 1000);

        pg.startServer();
        long back = System.nanoTime();

        // The pool reconnects with a backoff that doubles up to 5 s, so the first calls may still fail.
        while (true) {
            try {
                assertThat(store.buckets().find("b1")).isPresent();
                break;
            } catch (CatalogUnavailableException e) {
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - back)).as("recovered within")
                        .isLessThan(RECOVERY_BOUND_SECONDS);
            }
        }
        System.out.printf("catalog calls succeed again %d ms after the server is back%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
    }

    @Test
    void liveCatalogUpdatesSubmittedWhileTheServerIsDownAreCommittedWhenItIsBack() throws Exception {
        CatalogBatcher batcher = new CatalogBatcher(store, 1000, Duration.ofMillis(10));
        try {
            pg.stopServer();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                SegmentRecord segment = new SegmentRecord("b1", "cam1", "cam1/" + i + ".ts", 1000L * i, 1_000_000,
                        i, false, 188);
                done.add(batcher.submit("index segment", m -> m.segments().add(segment)));
            }
            done.add(batcher.submit("save counters",
                    m -> m.channels().saveCounters("b1", "cam1", new PlaylistCounters(20, 0))));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (batcher.unavailableRetries() < 2) { // the outage was met, and met again after a wait
                assertThat(done).noneMatch(CompletableFuture::isDone);
                assertThat(System.nanoTime()).as("batcher retrying within 60 s").isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(done).noneMatch(CompletableFuture::isDone);

            pg.startServer();

            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(batcher.failedUpdates()).isZero();
        } finally {
            assertThat(batcher.close(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(store.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(20);
        assertThat(store.channels().counters("b1", "cam1")).isEqualTo(new PlaylistCounters(20, 0));
    }
}
