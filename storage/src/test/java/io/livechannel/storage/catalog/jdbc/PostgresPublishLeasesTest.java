package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PublishLeases;
import io.livechannel.storage.catalog.PublishLeasesContractTest;
import io.livechannel.storage.testing.PostgresFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease rules on a real PostgreSQL server, two nodes being two stores (two pools) on one database; plus the
 * cost of one node's heartbeat at 500 leases, which is one statement whatever their number.
 */
class PostgresPublishLeasesTest extends PublishLeasesContractTest {
    private static final AtomicInteger databases = new AtomicInteger();
    private static PostgresFixture pg;
    private String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresFixture.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    /** The server's WAL insert position, in bytes. */
    private long walPosition() throws Exception {
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Override
    protected MetadataStore openStore() {
        url = pg.createDatabase("leases_" + databases.incrementAndGet());
        return JdbcMetadataStore.openPostgres(url, pg.user(), pg.password());
    }

    @Override
    protected MetadataStore openOtherNodeStore(MetadataStore first) {
        return JdbcMetadataStore.openPostgres(url, pg.user(), pg.password());
    }

    /**
     * 500 leases renewed with their statistics in one statement; its time and the WAL it writes (the cost that
     * grows with nodes x publishers) are printed for docs/cluster.md.
     */
    @Test
    void oneHeartbeatRenewsFiveHundredLeasesInOneStatement() throws Exception {
        PublishLeases leases = store().leases();
        List<PublishLeases.Renewal> renewals = new ArrayList<>();
        String stats = "1\t1764720000000\t10.0.0.1:50000\t1280\t720\t30.0\t2500000\tH264\t44100\t128000\tAAC";
        for (int i = 0; i < 500; i++) {
            leases.acquire("b1", "cam" + i, "node-a", 0, Duration.ofSeconds(5), Duration.ofSeconds(5));
            renewals.add(new PublishLeases.Renewal("b1", "cam" + i, 1, 20, stats));
        }
        int rounds = 50;
        long[] micros = new long[rounds];
        long walBefore = walPosition();
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            List<PublishLeases.LostLease> lost = leases.heartbeat("node-a", Duration.ofSeconds(5), renewals);
            micros[r] = (System.nanoTime() - start) / 1000;
            assertThat(lost).hasSize(500); // the channels do not exist: each is reported deleted, and renewed
        }
        long walPerRound = (walPosition() - walBefore) / rounds;
        Arrays.sort(micros);
        System.out.printf("heartbeat of 500 leases on PostgreSQL: p50 %.2f ms, p90 %.2f ms, max %.2f ms; "
                + "%d bytes of WAL per heartbeat%n", micros[rounds / 2] / 1000.0, micros[rounds * 9 / 10] / 1000.0,
                micros[rounds - 1] / 1000.0, walPerRound);
        assertThat(leases.find("b1", "cam499")).get().extracting(PublishLeases.LeaseRecord::live,
                PublishLeases.LeaseRecord::stats).containsExactly(true, stats);
    }
}
