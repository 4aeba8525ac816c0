-- Version 4: range queries read per-minute blocks of packed values. After V3 a day-long range query (86,400 rows)
-- still spent most of its time in sqlite-jdbc's JNI call per column per row (about 0.4 us per row for five numeric
-- columns and a flag; see docs/benchmarks.md). The column `packed` holds everything the query returns about a
-- segment in one fixed-width big-endian BLOB (layout in PackedSegment.java):
--   start_millis i64 | duration_micros i64 | sequence i64 | size_bytes i64 | flags u8 [| key length u16 | key]
-- flags bit 0 = discontinuity, bit 1 = the object key is not <channel>/<start_millis>.ts and follows as UTF-8.
-- The separate columns stay the source of truth for every other statement; V3's flag column is folded into
-- `packed`, and the covering index now serves the block rebuild below.
-- (PostgreSQL: int8send(...) || ... for the conversion, string_agg(packed, ''::bytea ORDER BY ...) for blocks.)
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
-- Reading packed values row by row, or one group_concat of them per range, still left SQLite stepping through
-- 86,400 index entries a day (about 7 ms) and appending each. So the range query reads blocks: segment_block
-- holds, per channel and minute of start time, the concatenated packed values of that minute's segments in index
-- order. It is
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
