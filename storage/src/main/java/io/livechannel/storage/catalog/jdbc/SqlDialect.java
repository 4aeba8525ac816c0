package io.livechannel.storage.catalog.jdbc;

/**
 * The databases the catalog runs on. The DML is shared, except the two statements that maintain the segment index's
 * blocks ({@link JdbcSegmentIndex}): SQLite concatenates with {@code group_concat} over an ordered subquery and
 * numbers its reused parameters ({@code ?1}), PostgreSQL has {@code string_agg(... ORDER BY ...)} and only
 * positional parameters, so there the parameters are named once in a {@code WITH} row. Both bind the same
 * parameters in the same order. Each dialect has its own migration directory because DDL types differ (identity
 * columns, collations).
 */
public enum SqlDialect {
    /** Embedded default: one file, WAL journal, writes serialised through one connection. */
    SQLITE("sqlite",
            "INSERT INTO segment_block (bucket, channel, block, packed) "
            + "SELECT ?1, ?2, ?3, CAST(group_concat(packed, x'') AS BLOB) FROM (SELECT packed FROM segment "
            + "WHERE bucket = ?1 AND channel = ?2 AND start_millis >= ?4 AND start_millis <= ?5 "
            + "ORDER BY start_millis, sequence) HAVING count(*) > 0 "
            + "ON CONFLICT (bucket, channel, block) DO UPDATE SET packed = excluded.packed",
            // CAST: SQLite's || yields text
            "UPDATE segment_block SET packed = CAST(packed || ?4 AS BLOB) "
            + "WHERE bucket = ?1 AND channel = ?2 AND block = ?3 AND NOT EXISTS (SELECT 1 FROM segment "
            + "WHERE bucket = ?1 AND channel = ?2 AND start_millis >= ?5 AND start_millis <= ?7 "
            + "AND (start_millis > ?5 OR sequence >= ?6))"),
    /** For several server nodes sharing one catalog: a connection pool, PostgreSQL 13 or newer. */
    POSTGRES("postgres",
            "WITH p AS (SELECT CAST(? AS TEXT) AS bucket, CAST(? AS TEXT) AS channel, CAST(? AS BIGINT) AS block, "
            + "CAST(? AS BIGINT) AS first_start, CAST(? AS BIGINT) AS last_start) "
            + "INSERT INTO segment_block (bucket, channel, block, packed) "
            + "SELECT p.bucket, p.channel, p.block, string_agg(s.packed, ''::bytea "
            + "ORDER BY s.start_millis, s.sequence, s.packed) "
            + "FROM p JOIN segment s ON s.bucket = p.bucket AND s.channel = p.channel "
            + "AND s.start_millis >= p.first_start AND s.start_millis <= p.last_start "
            + "GROUP BY p.bucket, p.channel, p.block "
            + "ON CONFLICT (bucket, channel, block) DO UPDATE SET packed = excluded.packed",
            "WITH p AS (SELECT CAST(? AS TEXT) AS bucket, CAST(? AS TEXT) AS channel, CAST(? AS BIGINT) AS block, "
            + "CAST(? AS BYTEA) AS packed, CAST(? AS BIGINT) AS start_millis, CAST(? AS BIGINT) AS sequence, "
            + "CAST(? AS BIGINT) AS last_start) "
            + "UPDATE segment_block b SET packed = b.packed || p.packed FROM p "
            + "WHERE b.bucket = p.bucket AND b.channel = p.channel AND b.block = p.block AND NOT EXISTS "
            + "(SELECT 1 FROM segment s WHERE s.bucket = p.bucket AND s.channel = p.channel "
            + "AND s.start_millis >= p.start_millis AND s.start_millis <= p.last_start "
            + "AND (s.start_millis > p.start_millis OR s.sequence >= p.sequence))");

    private final String migrationDirectory;
    private final String rebuildBlock;
    private final String appendToBlock;

    SqlDialect(String migrationDirectory, String rebuildBlock, String appendToBlock) {
        this.migrationDirectory = migrationDirectory;
        this.rebuildBlock = rebuildBlock;
        this.appendToBlock = appendToBlock;
    }

    /** Resource directory of this dialect's migrations, relative to this package. */
    String migrationDirectory() {
        return migrationDirectory;
    }

    /**
     * Recomputes block 3 of channel 1/2, whose segments start in 4..5 (bound in that order); changes no row when
     * the block has no segments (the caller then deletes it). Ties in (start, sequence) are ordered by the packed
     * value, as SQLite's covering index orders them.
     */
    String rebuildBlock() {
        return rebuildBlock;
    }

    /**
     * Appends 4 to block 3 of channel 1/2 when no segment of the block sorts at or after (5 start, 6 sequence) up to
     * 7, the block's last start: that is, when a new segment, not yet in {@code segment}, will be the block's last.
     * Changes no row otherwise, or when the block does not exist yet. A tie in (start, sequence) is not an append.
     */
    String appendToBlock() {
        return appendToBlock;
    }
}
