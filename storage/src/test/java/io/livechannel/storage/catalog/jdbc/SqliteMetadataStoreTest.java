package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.MetadataStoreContractTest;
import io.livechannel.storage.catalog.SegmentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metadata contract on real SQLite files, plus schema migration and SQLite settings. */
class SqliteMetadataStoreTest extends MetadataStoreContractTest {
    @TempDir
    Path tmp;

    private Path dbFile() {
        return tmp.resolve("data/catalog.db");
    }

    @Override
    protected MetadataStore openStore() {
        return JdbcMetadataStore.openSqlite(dbFile());
    }

    @Override
    protected MetadataStore reopenStore() {
        return JdbcMetadataStore.openSqlite(dbFile());
    }

    @Test
    void databaseIsInWalModeWithEveryMigrationRecordedOnce() throws Exception {
        store().close();
        JdbcMetadataStore.openSqlite(dbFile()).close(); // a second open applies nothing again

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
             Statement s = c.createStatement()) {
            try (ResultSet mode = s.executeQuery("PRAGMA journal_mode")) {
                assertThat(mode.next()).isTrue();
                assertThat(mode.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (ResultSet versions = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
                List<Integer> applied = new java.util.ArrayList<>();
                while (versions.next()) {
                    applied.add(versions.getInt(1));
                }
                assertThat(applied).containsExactly(1, 2, 3);
            }
        }
    }

    @Test
    void segmentRangeQueryReadsOnlyTheCoveringIndexAndDoesNotSort() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
             Statement s = c.createStatement();
             ResultSet plan = s.executeQuery("EXPLAIN QUERY PLAN SELECT standard_key, start_millis, duration_micros, "
                     + "sequence, discontinuity, size_bytes, object_key FROM segment WHERE bucket = 'b' AND channel = 'c' "
                     + "AND start_millis >= 1 AND start_millis <= 2 ORDER BY start_millis, sequence")) {
            StringBuilder text = new StringBuilder();
            while (plan.next()) {
                text.append(plan.getString("detail")).append('\n');
            }
            assertThat(text.toString()).contains("USING COVERING INDEX segment_by_channel_time")
                    .doesNotContain("TEMP B-TREE");
        }
    }

    @Test
    void aDatabaseFromANewerServerIsRefused() throws Exception {
        store().close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_millis) VALUES (99, 0)");
        }

        assertThatThrownBy(() -> JdbcMetadataStore.openSqlite(dbFile()))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("schema version 99 is newer than this server's 3");
    }

    @Test
    void aVersion1DatabaseIsMigratedToTheNewestKeepingItsSegments() throws Exception {
        store().close();
        Path v1 = tmp.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + v1);
             Statement s = c.createStatement();
             var script = SchemaMigrations.class.getResourceAsStream("sqlite/V1.sql")) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_millis BIGINT NOT NULL)");
            for (String sql : SchemaMigrations.statements(new String(script.readAllBytes(), StandardCharsets.UTF_8))) {
                s.execute(sql);
            }
            s.execute("INSERT INTO schema_version VALUES (1, 0)");
            s.execute("INSERT INTO segment VALUES ('b1', 'cam1/5000.ts', 'cam1', 5000, 2000000, 7, 1, 188)");
            s.execute("INSERT INTO segment VALUES ('b1', 'cam1/renamed.ts', 'cam1', 6000, 2000000, 8, 0, 188)");
        }

        try (JdbcMetadataStore migrated = JdbcMetadataStore.openSqlite(v1)) {
            assertThat(migrated.schemaVersion()).isEqualTo(3);
            assertThat(migrated.segments().range("b1", "cam1", 0, 10_000)).containsExactly(
                    new SegmentRecord("b1", "cam1", "cam1/5000.ts", 5000, 2_000_000, 7, true, 188),
                    new SegmentRecord("b1", "cam1", "cam1/renamed.ts", 6000, 2_000_000, 8, false, 188));
        }
    }

    @Test
    void migrationScriptsSplitIntoStatementsWithoutComments() {
        assertThat(SchemaMigrations.statements("-- note\nCREATE TABLE a (x INT);\n\nCREATE INDEX i\n  ON a (x);\n"))
                .isEqualTo(List.of("CREATE TABLE a (x INT)", "CREATE INDEX i\n  ON a (x)"));
    }
}
