-- Version 4: one packed value per segment, and the range query aggregated inside SQLite. After V3 a day-long range
-- query (86,400 rows) still spent most of its time in sqlite-jdbc's JNI call per column per row (about 0.4 us per
-- row for five numeric columns and a flag; see docs/benchmarks.md). The column `packed` holds everything the query
-- returns in one fixed-width big-endian BLOB (layout in PackedSegment.java):
--   start_millis i64 | duration_micros i64 | sequence i64 | size_bytes i64 | flags u8 [| key length u16 | key]
-- flags bit 0 = discontinuity, bit 1 = the object key is not <channel>/<start_millis>.ts and follows as UTF-8.
-- The range query concatenates these values in SQLite (group_concat) and reads one BLOB. The separate columns stay
-- the source of truth for every other statement; the flag column of V3 is folded into `packed`.
-- (PostgreSQL: int8send(...) || ... for the conversion, string_agg(packed, ''::bytea) for the query.)
DROP INDEX segment_by_channel_time;
ALTER TABLE segment ADD COLUMN packed BLOB NOT NULL DEFAULT x'';
UPDATE segment SET packed = CAST(
    unhex(printf('%016x%016x%016x%016x%02x', start_millis, duration_micros, sequence, size_bytes,
                 (CASE WHEN discontinuity THEN 1 ELSE 0 END) | (CASE WHEN standard_key THEN 0 ELSE 2 END)))
    || CASE WHEN standard_key THEN x''
            ELSE unhex(printf('%04x', length(CAST(object_key AS BLOB)))) || CAST(object_key AS BLOB) END
    AS BLOB);
ALTER TABLE segment DROP COLUMN standard_key;
CREATE INDEX segment_by_channel_time ON segment (bucket, channel, start_millis, sequence, packed);
-- Even one BLOB per range left SQLite stepping through 86,400 index entries a day (about 7 ms) and group_concat
-- appending each (about as much again). So the range query reads blocks instead: segment_block holds, per channel
-- and per minute of start time, the concatenated packed values of that minute's segments in index order. It is
-- derived from `segment` and rebuilt from it in the same transaction whenever a segment of the minute is added,
-- replaced or removed (JdbcSegmentIndex). A day is 1,440 rows. `block` is floor(start_millis / 60000), written
-- without a multiplication so that no start time overflows; 60,000 is JdbcSegmentIndex.BLOCK_MILLIS.
CREATE TABLE segment_block (
    bucket  TEXT   NOT NULL,
    channel TEXT   NOT NULL,
    block   BIGINT NOT NULL,
    packed  BLOB   NOT NULL,
    PRIMARY KEY (bucket, channel, block)
);
INSERT INTO segment_block (bucket, channel, block, packed)
    SELECT bucket, channel, block, CAST(group_concat(packed, x'') AS BLOB)
    FROM (SELECT bucket, channel, start_millis / 60000 - (CASE WHEN start_millis % 60000 < 0 THEN 1 ELSE 0 END)
                 AS block, packed
          FROM segment ORDER BY bucket, channel, start_millis, sequence)
    GROUP BY bucket, channel, block;
