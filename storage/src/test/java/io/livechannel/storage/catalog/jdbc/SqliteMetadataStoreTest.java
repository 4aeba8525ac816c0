package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.MetadataStoreContractTest;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.SegmentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
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

    /**
     * Commits leave the WAL to {@link WalCheckpointer}: one passive checkpoint takes in every frame the commits
     * wrote, and closing the store (both its connections) checkpoints the rest and deletes the WAL file.
     */
    @Test
    void theCheckpointerTakesInEveryCommittedFrameAndCloseLeavesNoWal() throws Exception {
        Path file = tmp.resolve("wal/catalog.db");
        JdbcMetadataStore sqlite = JdbcMetadataStore.openSqlite(file);
        sqlite.buckets().create(new Bucket("b1", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
        for (int i = 0; i < 500; i++) {
            sqlite.segments().add(new SegmentRecord("b1", "cam1", "cam1/" + i + ".ts", 1_000_000L + i * 2000L,
                    2_000_000, i, i == 0, 188 * 1000));
        }

        WalCheckpointer.Result result = sqlite.checkpointer().runOnce();
        assertThat(result.busy()).isFalse();
        assertThat(result.walFrames()).as("frames in the WAL").isPositive();
        assertThat(result.checkpointedFrames()).isEqualTo(result.walFrames());
        assertThat(tmp.resolve("wal/catalog.db-wal")).exists();

        sqlite.close();
        assertThat(tmp.resolve("wal/catalog.db-wal")).doesNotExist();
        JdbcMetadataStore reopened = JdbcMetadataStore.openSqlite(file);
        try {
            assertThat(reopened.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(500);
        } finally {
            reopened.close();
        }
    }

    /**
     * Under continuous commits every passive checkpoint leaves frames behind (those committed while it runs), so
     * the WAL was never taken in whole and never restarted: it grew for as long as anything was published. Here a
     * reader's snapshot, taken before the last commits of each cycle, makes the passive checkpoint leave frames
     * behind the same way, deterministically; the restart step that follows must take them in, so that the next
     * commit starts the WAL over. The WAL file then holds about one cycle of commits (a cycle's frames grow a
     * little with the database); without the restart step it holds all six.
     */
    @Test
    void theWalStopsGrowingWhenPassiveCheckpointsLeaveFramesBehind() throws Exception {
        Path file = tmp.resolve("wal/catalog.db");
        Path wal = tmp.resolve("wal/catalog.db-wal");
        try (JdbcMetadataStore sqlite = JdbcMetadataStore.openSqlite(file)) {
            sqlite.buckets().create(new Bucket("b1", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
            long[] walBytes = new long[6];
            int next = 0;
            for (int cycle = 0; cycle < walBytes.length; cycle++) {
                for (int i = 0; i < 200; i++, next++) {
                    sqlite.segments().add(new SegmentRecord("b1", "cam" + next % 50, "cam" + next % 50 + "/" + next
                            + ".ts", 1_000_000L + next * 2000L, 2_000_000, next, false, 188 * 1000));
                }
                try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                    reader.setAutoCommit(false);
                    try (Statement s = reader.createStatement(); ResultSet r = s.executeQuery(
                            "SELECT count(*) FROM segment")) {
                        assertThat(r.next()).isTrue(); // the snapshot is taken: it pins the frames committed so far
                    }
                    for (int i = 0; i < 20; i++, next++) {
                        sqlite.channels().saveCounters("b1", "cam" + i, new PlaylistCounters(next, 0));
                    }
                    WalCheckpointer.Result passive = sqlite.checkpointer().passive();
                    assertThat(passive.checkpointedFrames()).as("frames the passive checkpoint took in")
                            .isLessThan(passive.walFrames());
                    reader.rollback();
                }
                WalCheckpointer.Result restart = sqlite.checkpointer().restart();
                assertThat(restart.busy()).isFalse();
                assertThat(restart.checkpointedFrames()).isEqualTo(restart.walFrames());
                walBytes[cycle] = Files.size(wal);
            }
            assertThat(walBytes[walBytes.length - 1]).as("WAL bytes after each cycle: %s", Arrays.toString(walBytes))
                    .isLessThan(2 * walBytes[0]);
            assertThat(sqlite.segments().range("b1", "cam7", 0, Long.MAX_VALUE)).hasSize(walBytes.length * 200 / 50);
        }
    }

    /**
     * The restart step holds the catalog's connection, so a reader on another connection (a backup tool) must not
     * hold it for the default busy timeout: the restart gives up quickly, the catalog keeps working, and the WAL
     * is restarted once the reader is gone.
     */
    @Test
    void aReaderOnAnotherConnectionPostponesTheWalRestartWithoutHoldingTheCatalog() throws Exception {
        Path file = tmp.resolve("wal/catalog.db");
        try (JdbcMetadataStore sqlite = JdbcMetadataStore.openSqlite(file)) {
            sqlite.buckets().create(new Bucket("b1", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
            sqlite.segments().add(new SegmentRecord("b1", "cam1", "cam1/1.ts", 1_000_000L, 2_000_000, 1, false, 1));
            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                reader.setAutoCommit(false);
                try (Statement s = reader.createStatement(); ResultSet r = s.executeQuery(
                        "SELECT count(*) FROM segment")) {
                    assertThat(r.next()).isTrue();
                }
                long start = System.nanoTime();
                WalCheckpointer.Result restart = sqlite.checkpointer().restart();
                long waitedMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(restart.busy()).as("the reader still uses the WAL").isTrue();
                assertThat(waitedMillis).as("waited for the reader, holding the catalog (ms)")
                        .isLessThan(JdbcMetadataStore.BUSY_TIMEOUT_MILLIS / 2);
                sqlite.segments().add(new SegmentRecord("b1", "cam1", "cam1/2.ts", 1_002_000L, 2_000_000, 2, false,
                        1));
                reader.rollback();
            }
            assertThat(sqlite.checkpointer().restart().busy()).isFalse();
            assertThat(sqlite.segments().range("b1", "cam1", 0, Long.MAX_VALUE)).hasSize(2);
        }
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
                assertThat(applied).containsExactly(1, 2, 3, 4, 5);
            }
        }
    }

    @Test
    void segmentQueriesSearchAnIndexAndDoNotSort() throws Exception {
        assertThat(plan(JdbcSegmentIndex.RANGE_QUERY))
                .contains("SEARCH segment_block USING INDEX sqlite_autoindex_segment_block_1 "
                        + "(bucket=? AND channel=? AND block>? AND block<?)")
                .doesNotContain("TEMP B-TREE");
        assertThat(plan(SqlDialect.SQLITE.rebuildBlock()))
                .contains("SEARCH segment USING COVERING INDEX segment_by_channel_time "
                        + "(bucket=? AND channel=? AND start_millis>? AND start_millis<?)")
                .doesNotContain("TEMP B-TREE");
    }

    @Test
    void theAppendLooksUpLaterSegmentsInTheCoveringIndex() throws Exception {
        assertThat(plan(SqlDialect.SQLITE.appendToBlock()))
                .contains("SEARCH segment_block USING INDEX sqlite_autoindex_segment_block_1 (bucket=? AND channel=? AND block=?)",
                        "SEARCH segment USING COVERING INDEX segment_by_channel_time "
                                + "(bucket=? AND channel=? AND start_millis>? AND start_millis<?)")
                .doesNotContain("SCAN");
    }

    /**
     * Every block, however its segments arrive (in order, which appends; late, early, tied in start time and
     * sequence, re-indexed, which rebuild), holds exactly what rebuilding it from {@code segment} gives, checked
     * after every add; and the range query returns each segment once, in order.
     */
    @Test
    void blocksBuiltByAppendingEqualBlocksRebuiltFromTheSegments() throws Exception {
        long start = 1_764_720_000_000L;
        List<SegmentRecord> added = new java.util.ArrayList<>();
        // the cases an append must leave to a rebuild: a later sequence at the same start already indexed, and a
        // tie in start and sequence whose packed value (here its size) sorts first
        for (SegmentRecord r : List.of(
                new SegmentRecord("b1", "cam1", "cam1/a.ts", start - 2000, 2_000_000, 1, false, 500),
                new SegmentRecord("b1", "cam1", "cam1/b.ts", start - 2000, 2_000_000, 7, false, 500),
                new SegmentRecord("b1", "cam1", "cam1/c.ts", start - 2000, 2_000_000, 3, false, 500),
                new SegmentRecord("b1", "cam1", "cam1/d.ts", start - 1000, 2_000_000, 9, false, 900),
                new SegmentRecord("b1", "cam1", "cam1/e.ts", start - 1000, 2_000_000, 9, false, 100))) {
            added.add(r);
            store().segments().add(r);
            assertThat(storedBlocks()).as("after adding %s", r).isEqualTo(rebuiltBlocks());
        }
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < 400; i++) {
            long startMillis;
            long sequence = i;
            int kind = random.nextInt(10);
            if (kind < 6 || added.isEmpty()) { // the next segment of a live channel
                startMillis = start + i * 2000L;
            } else if (kind < 8) { // late: an earlier start than the block's last
                startMillis = start + i * 2000L - 1000L * (1 + random.nextInt(90));
            } else if (kind == 8) { // tied with an indexed segment in start time and sequence, under another key
                SegmentRecord twin = added.get(random.nextInt(added.size()));
                startMillis = twin.startTimeMillis();
                sequence = twin.sequence();
            } else { // the same key indexed again with other fields
                SegmentRecord again = added.get(random.nextInt(added.size()));
                SegmentRecord replaced = new SegmentRecord("b1", "cam1", again.objectKey(), again.startTimeMillis(),
                        1_000_000 + random.nextInt(1000), again.sequence() + 1, false, random.nextInt(1 << 20));
                added.remove(again);
                added.add(replaced);
                store().segments().add(replaced);
                assertThat(storedBlocks()).isEqualTo(rebuiltBlocks());
                continue;
            }
            SegmentRecord r = new SegmentRecord("b1", "cam1", "cam1/" + i + "-" + startMillis + ".ts", startMillis,
                    2_000_000, sequence, random.nextBoolean(), random.nextInt(1 << 20));
            added.add(r);
            store().segments().add(r);
            assertThat(storedBlocks()).as("after adding %s", r).isEqualTo(rebuiltBlocks());
        }
        assertThat(storedBlocks()).hasSizeGreaterThan(10);
        List<SegmentRecord> range = store().segments().range("b1", "cam1", Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(range).containsExactlyInAnyOrderElementsOf(added);
        assertThat(range).isSortedAccordingTo(java.util.Comparator.comparingLong(SegmentRecord::startTimeMillis)
                .thenComparingLong(SegmentRecord::sequence));
    }

    /** Each block of b1/cam1 as stored, by block number, as hex. */
    private java.util.Map<Long, String> storedBlocks() throws Exception {
        return blocks("SELECT block, packed FROM segment_block WHERE bucket = 'b1' AND channel = 'cam1'");
    }

    /** Each block of b1/cam1 as a rebuild from {@code segment} makes it. */
    private java.util.Map<Long, String> rebuiltBlocks() throws Exception {
        return blocks("SELECT start_millis / 60000 AS block, CAST(group_concat(packed, x'') AS BLOB) FROM "
                + "(SELECT start_millis, packed FROM segment WHERE bucket = 'b1' AND channel = 'cam1' "
                + "ORDER BY start_millis, sequence) GROUP BY block");
    }

    private java.util.Map<Long, String> blocks(String query) throws Exception {
        java.util.Map<Long, String> blocks = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
             Statement st = c.createStatement(); ResultSet rows = st.executeQuery(query)) {
            while (rows.next()) {
                blocks.put(rows.getLong(1), java.util.HexFormat.of().formatHex(rows.getBytes(2)));
            }
        }
        return blocks;
    }

    private String plan(String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile());
             PreparedStatement explain = c.prepareStatement("EXPLAIN QUERY PLAN " + query)) {
            explain.setString(1, "b");
            explain.setString(2, "c");
            for (int p = 3; p <= explain.getParameterMetaData().getParameterCount(); p++) {
                explain.setLong(p, p);
            }
            StringBuilder text = new StringBuilder();
            try (ResultSet plan = explain.executeQuery()) {
                while (plan.next()) {
                    text.append(plan.getString("detail")).append('\n');
                }
            }
            return text.toString();
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
                .hasMessageContaining("schema version 99 is newer than this server's 5");
    }

    @Test
    void aVersion1DatabaseIsMigratedToTheNewestKeepingItsSegments() throws Exception {
        store().close();
        Path v1 = tmp.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + v1);
             Statement s = c.createStatement()) {
            migrateByHand(s, 1);
            s.execute("INSERT INTO segment VALUES ('b1', 'cam1/5000.ts', 'cam1', 5000, 2000000, 7, 1, 188)");
            s.execute("INSERT INTO segment VALUES ('b1', 'cam1/renamed.ts', 'cam1', 6000, 2000000, 8, 0, 188)");
        }

        try (JdbcMetadataStore migrated = JdbcMetadataStore.openSqlite(v1)) {
            assertThat(migrated.schemaVersion()).isEqualTo(5);
            assertThat(migrated.segments().range("b1", "cam1", 0, 10_000)).containsExactly(
                    new SegmentRecord("b1", "cam1", "cam1/5000.ts", 5000, 2_000_000, 7, true, 188),
                    new SegmentRecord("b1", "cam1", "cam1/renamed.ts", 6000, 2_000_000, 8, false, 188));
        }
    }

    @Test
    void aVersion3DatabaseIsMigratedWithEachSegmentPackedAsTheServerPacksIt() throws Exception {
        store().close();
        Path v3 = tmp.resolve("v3.db");
        List<SegmentRecord> segments = List.of(
                new SegmentRecord("b1", "cam1", "cam1/5000.ts", 5000, 2_000_000, 7, true, 188),
                new SegmentRecord("b1", "cam1", "cam1/\u6444\u50cf\u5934 1.ts", 6000, 1_999_999, 8, false, 376),
                new SegmentRecord("b1", "cam1", "cam2/7000.ts", 7000, Long.MAX_VALUE, Long.MAX_VALUE, false,
                        Long.MAX_VALUE),
                new SegmentRecord("b1", "cam1", "cam1/-1.ts", -1, 0, 0, true, 0),
                new SegmentRecord("b1", "cam1", "first.ts", Long.MIN_VALUE, 0, 0, false, 0),
                new SegmentRecord("b1", "cam2", "cam2/5000.ts", 5000, 1_000_000, 0, false, 1),
                new SegmentRecord("b1", "cam2", "cam2/65000.ts", 65_000, 1_000_000, 1, false, 1));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + v3);
             Statement s = c.createStatement()) {
            migrateByHand(s, 3);
            // the row as the V3 server wrote it, standard_key flag included
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO segment (bucket, object_key, channel, "
                    + "start_millis, duration_micros, sequence, discontinuity, size_bytes, standard_key) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (SegmentRecord r : segments) {
                    insert.setString(1, r.bucket());
                    insert.setString(2, r.objectKey());
                    insert.setString(3, r.channel());
                    insert.setLong(4, r.startTimeMillis());
                    insert.setLong(5, r.durationMicros());
                    insert.setLong(6, r.sequence());
                    insert.setBoolean(7, r.discontinuity());
                    insert.setLong(8, r.sizeBytes());
                    insert.setBoolean(9, r.objectKey().equals(r.channel() + "/" + r.startTimeMillis() + ".ts"));
                    insert.executeUpdate();
                }
            }
        }

        try (JdbcMetadataStore migrated = JdbcMetadataStore.openSqlite(v3)) {
            assertThat(migrated.schemaVersion()).isEqualTo(5);
            assertThat(migrated.segments().range("b1", "cam1", Long.MIN_VALUE, Long.MAX_VALUE))
                    .containsExactly(segments.get(4), segments.get(3), segments.get(0), segments.get(1), segments.get(2));
            assertThat(migrated.segments().range("b1", "cam2", 0, 100_000))
                    .containsExactly(segments.get(5), segments.get(6));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + v3);
             PreparedStatement select = c.prepareStatement(
                     "SELECT packed, typeof(packed) FROM segment WHERE bucket = ? AND object_key = ?")) {
            for (SegmentRecord r : segments) {
                select.setString(1, r.bucket());
                select.setString(2, r.objectKey());
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(2)).isEqualTo("blob");
                    assertThat(row.getBytes(1)).as(r.objectKey()).isEqualTo(PackedSegment.encode(r));
                }
            }
        }
    }

    /** Brings an empty database to {@code version} as a server of that version did. */
    private static void migrateByHand(Statement s, int version) throws Exception {
        s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_millis BIGINT NOT NULL)");
        for (int v = 1; v <= version; v++) {
            try (var script = SchemaMigrations.class.getResourceAsStream("sqlite/V" + v + ".sql")) {
                for (String sql : SchemaMigrations.statements(new String(script.readAllBytes(), StandardCharsets.UTF_8))) {
                    s.execute(sql);
                }
            }
            s.execute("INSERT INTO schema_version VALUES (" + v + ", 0)");
        }
    }

    @Test
    void migrationScriptsSplitIntoStatementsWithoutComments() {
        assertThat(SchemaMigrations.statements("-- note\nCREATE TABLE a (x INT);\n\nCREATE INDEX i\n  ON a (x);\n"))
                .isEqualTo(List.of("CREATE TABLE a (x INT)", "CREATE INDEX i\n  ON a (x)"));
    }
}
