package io.livechannel.storage.cache;

import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CatalogUnavailableException;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.testing.PostgresFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two nodes' caches on one PostgreSQL catalog: a bucket or key written through one is not served stale by the other
 * for longer than the change notice takes to arrive (measured here), and while notices cannot be heard the cache
 * is bypassed.
 */
class SharedCatalogCacheTest {
    /** The bound asserted on the notice delay; measured delays are a few ms (printed by the test). */
    private static final long NOTICE_BOUND_MILLIS = 1000;
    private static final int ROUNDS = 50;

    private PostgresFixture pg;
    private CachingMetadataStore nodeA;
    private CachingMetadataStore nodeB;

    @BeforeEach
    void open() throws Exception {
        pg = PostgresFixture.start();
        String url = pg.createDatabase("shared");
        // calls made while the database is down fail after the pool wait: the shortest keeps the outage short
        JdbcMetadataStore.Waits waits = JdbcMetadataStore.Waits.DEFAULT.withPoolWaitMillis(500);
        nodeA = new CachingMetadataStore(JdbcMetadataStore.openPostgres(url, pg.user(), pg.password(), waits));
        nodeB = new CachingMetadataStore(JdbcMetadataStore.openPostgres(url, pg.user(), pg.password(), waits));
        awaitTrue("both nodes listening", () -> nodeA.caching() && nodeB.caching(), 10_000);
        nodeA.buckets().create(new Bucket("media", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
    }

    @AfterEach
    void close() throws Exception {
        nodeA.close();
        nodeB.close();
        pg.close();
    }

    @Test
    void aBucketAclChangedOnOneNodeIsSeenByTheOtherWithinTheNoticeDelay() {
        List<Long> delaysMicros = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            BucketAcl next = i % 2 == 0 ? BucketAcl.PUBLIC_READ : BucketAcl.PRIVATE;
            awaitCached(nodeB, "media");

            assertThat(nodeA.buckets().setAcl("media", next)).isTrue();
            long committed = System.nanoTime();
            awaitTrue("B forgets its copy", () -> !inMemory(nodeB, "media"), NOTICE_BOUND_MILLIS);
            delaysMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - committed));

            assertThat(nodeB.buckets().find("media")).map(Bucket::acl).contains(next);
        }
        Collections.sort(delaysMicros);
        System.out.printf("change notice delay over %d rounds: p50 %.2f ms, max %.2f ms%n", ROUNDS,
                delaysMicros.get(ROUNDS / 2) / 1000.0, delaysMicros.get(ROUNDS - 1) / 1000.0);
    }

    @Test
    void anAccessKeyReplacedOnOneNodeIsSeenByTheOther() {
        nodeA.accessKeys().put(new AccessKey("LTAIkey", "old-secret"));
        assertThat(nodeB.accessKeys().find("LTAIkey")).map(AccessKey::secret).contains("old-secret");

        nodeA.accessKeys().put(new AccessKey("LTAIkey", "new-secret"));

        awaitTrue("B forgets the old secret", () -> {
            Optional<AccessKey> key = nodeB.accessKeys().find("LTAIkey");
            return key.isPresent() && key.get().secret().equals("new-secret");
        }, NOTICE_BOUND_MILLIS);
    }

    @Test
    void whileNoticesCannotBeHeardTheCacheIsBypassedAndItResumesAfterwards() throws Exception {
        // Notices arrive in commit order: once B has applied the notice of a bucket created last (B's cached
        // absence of it goes), every earlier write's notice is applied, and what B reads next stays cached.
        awaitTrue("B caching the marker's absence", () -> nodeB.buckets().find("marker").isEmpty()
                && inMemory(nodeB, "marker"), NOTICE_BOUND_MILLIS); // a fill racing a notice is not installed
        nodeA.accessKeys().put(new AccessKey("LTAIkey", "secret"));
        nodeA.buckets().create(new Bucket("marker", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
        awaitTrue("B applies the marker's notice", () -> !inMemory(nodeB, "marker"), NOTICE_BOUND_MILLIS);
        assertThat(nodeB.buckets().find("media")).isPresent();
        assertThat(nodeB.accessKeys().find("LTAIkey")).isPresent();
        assertThat(inMemory(nodeB, "media") && keyInMemory(nodeB)).as("both cached on B").isTrue();

        pg.stopServer();
        awaitTrue("B stops trusting its cache", () -> !nodeB.caching(), 10_000);
        assertThat(inMemory(nodeB, "media")).isFalse();
        // the database down: what B read last still answers (playback goes on), what it never read cannot
        assertThat(nodeB.buckets().find("media")).map(Bucket::acl).contains(BucketAcl.PRIVATE);
        assertThat(nodeB.accessKeys().find("LTAIkey")).map(AccessKey::secret).contains("secret");
        assertThatThrownBy(() -> nodeB.buckets().find("never-read")).isInstanceOf(CatalogUnavailableException.class);
        assertThatThrownBy(() -> nodeB.buckets().setAcl("media", BucketAcl.PUBLIC_READ))
                .isInstanceOf(CatalogUnavailableException.class);
        pg.startServer();
        awaitTrue("B listens again", nodeB::caching, 30_000);

        assertThat(nodeA.buckets().setAcl("media", BucketAcl.PUBLIC_READ_WRITE)).isTrue();
        // B's pool, which tried the database during the outage, reconnects within its backoff (at most 5 s)
        awaitTrue("B sees the change", () -> aclOrNull(nodeB) == BucketAcl.PUBLIC_READ_WRITE, 10_000);
    }

    private static BucketAcl aclOrNull(CachingMetadataStore node) {
        try {
            return node.buckets().find("media").map(Bucket::acl).orElse(null);
        } catch (CatalogUnavailableException notYet) {
            return null;
        }
    }

    /** Looks the bucket up until it stays cached: a late notice of its creation may make the node forget it once. */
    private static void awaitCached(CachingMetadataStore node, String bucket) {
        awaitTrue(bucket + " cached", () -> node.buckets().find(bucket).isPresent() && inMemory(node, bucket),
                NOTICE_BOUND_MILLIS);
    }

    private static boolean inMemory(CachingMetadataStore node, String bucket) {
        try {
            node.memoryOnly().buckets().find(bucket);
            return true;
        } catch (NotInMemoryException e) {
            return false;
        }
    }

    private static boolean keyInMemory(CachingMetadataStore node) {
        try {
            node.memoryOnly().accessKeys().find("LTAIkey");
            return true;
        } catch (NotInMemoryException e) {
            return false;
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("%s within %d ms", what, timeoutMillis).isNegative();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }
}
