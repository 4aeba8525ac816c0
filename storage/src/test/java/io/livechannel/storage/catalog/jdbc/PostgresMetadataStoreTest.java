package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogUnavailableException;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.MetadataStoreContractTest;
import io.livechannel.storage.testing.PostgresFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metadata contract on a real PostgreSQL server (one fresh database per test), plus PostgreSQL's own cases. */
class PostgresMetadataStoreTest extends MetadataStoreContractTest {
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

    @Override
    protected MetadataStore openStore() {
        url = pg.createDatabase("contract_" + databases.incrementAndGet());
        return JdbcMetadataStore.openPostgres(url, pg.user(), pg.password());
    }

    @Override
    protected MetadataStore reopenStore() {
        return JdbcMetadataStore.openPostgres(url, pg.user(), pg.password());
    }

    /** Nodes starting together on an empty database: every open succeeds and the schema is applied once. */
    @Test
    void nodesOpeningOneEmptyDatabaseAtOnceAllSucceedAndMigrateOnce() throws Exception {
        String empty = pg.createDatabase("concurrent_open");
        int nodes = 6;
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JdbcMetadataStore>> opened = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                opened.add(threads.submit(() -> {
                    go.await();
                    return JdbcMetadataStore.openPostgres(empty, pg.user(), pg.password());
                }));
            }
            go.countDown();
            List<JdbcMetadataStore> stores = new ArrayList<>();
            for (Future<JdbcMetadataStore> f : opened) {
                stores.add(f.get());
            }
            assertThat(stores).extracting(JdbcMetadataStore::schemaVersion).containsOnly(stores.get(0).schemaVersion());
            stores.forEach(JdbcMetadataStore::close);
        } finally {
            threads.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection(empty, pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT version, count(*) FROM schema_version GROUP BY version")) {
            int versions = 0;
            while (rows.next()) {
                versions++;
                assertThat(rows.getInt(2)).as("rows of version %d", rows.getInt(1)).isEqualTo(1);
            }
            assertThat(versions).isPositive();
        }
    }

    @Test
    void anUnreachableDatabaseIsReportedAsUnavailableWithoutItsPassword() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        String unreachable = "jdbc:postgresql://127.0.0.1:" + closedPort + "/catalog?user=lc&password=s3cret";
        // one attempt: waiting out the server's start budget would report the same failure
        JdbcMetadataStore.Waits once = new JdbcMetadataStore.Waits(500, java.time.Duration.ZERO);
        assertThatThrownBy(() -> JdbcMetadataStore.openPostgres(unreachable, null, null, once))
                .isInstanceOf(CatalogUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aRefusedLoginFailsAtOnceInsteadOfWaitingForTheDatabase() throws Exception {
        String database = pg.createDatabase("refused_login");
        long start = System.nanoTime();

        // a short pool wait, the server's start budget: a retried login would take the whole budget
        JdbcMetadataStore.Waits waits = JdbcMetadataStore.Waits.DEFAULT.withPoolWaitMillis(500);
        assertThatThrownBy(() -> JdbcMetadataStore.openPostgres(database, pg.user(), "not-the-password", waits))
                .isInstanceOf(io.livechannel.storage.catalog.CatalogException.class)
                .hasMessageContaining("password")
                .hasMessageNotContaining("not-the-password");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                .as("a login the database refused is not retried for the start budget")
                .isLessThan(JdbcMetadataStore.START_BUDGET);
    }
}
