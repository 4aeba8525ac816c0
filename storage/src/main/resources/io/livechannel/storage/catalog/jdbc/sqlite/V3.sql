-- Version 3: reading each segment's object key as a string was most of the cost of a day-long range query
-- (86,400 rows; measured with sqlite-jdbc, see docs/benchmarks.md). Segment keys nearly always have the standard
-- form <channel>/<start_millis>.ts, so a flag says so and the reader builds the key itself, reading the string
-- only for the others. The flag joins the covering index, which is rebuilt.
ALTER TABLE segment ADD COLUMN standard_key BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE segment SET standard_key = (object_key = channel || '/' || start_millis || '.ts');
DROP INDEX segment_by_channel_time;
CREATE INDEX segment_by_channel_time ON segment
    (bucket, channel, start_millis, sequence, standard_key, duration_micros, discontinuity, size_bytes, object_key);
