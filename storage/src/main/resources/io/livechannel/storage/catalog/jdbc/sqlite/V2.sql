-- Version 2: the segment range query reads only the index. A day of 1-second segments is 86,400 rows; with the
-- narrow V1 index every row cost a second B-tree lookup into the table. The covering index holds every column
-- the VoD query returns, in the order it returns them (start time, then sequence), so SQLite neither looks up
-- the table nor sorts. (PostgreSQL: the same index with INCLUDE for the non-key columns.)
DROP INDEX segment_by_channel_time;
CREATE INDEX segment_by_channel_time
    ON segment (bucket, channel, start_millis, sequence, object_key, duration_micros, discontinuity, size_bytes);
