package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.SegmentIndex;
import io.livechannel.storage.catalog.SegmentRecord;

import java.util.List;

/**
 * The per-segment index behind VoD playlists. Range queries are answered from the covering index
 * {@code segment_by_channel_time} alone (migrations V2, V3); a day of 1-second segments is measured in {@code bench}
 * ({@code SegmentRangeBenchmark}, numbers in {@code docs/benchmarks.md}).
 */
final class JdbcSegmentIndex implements SegmentIndex {
    private final SerializedConnection db;

    JdbcSegmentIndex(SerializedConnection db) {
        this.db = db;
    }

    @Override
    public void add(SegmentRecord r) {
        boolean standardKey = r.objectKey().equals(standardKey(r.channel(), r.startTimeMillis()));
        db.update("index segment", "INSERT INTO segment (bucket, object_key, channel, start_millis, duration_micros, "
                + "sequence, discontinuity, size_bytes, standard_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (bucket, object_key) DO UPDATE SET channel = excluded.channel, "
                + "start_millis = excluded.start_millis, duration_micros = excluded.duration_micros, "
                + "sequence = excluded.sequence, discontinuity = excluded.discontinuity, "
                + "size_bytes = excluded.size_bytes, standard_key = excluded.standard_key", s -> {
                    s.setString(1, r.bucket());
                    s.setString(2, r.objectKey());
                    s.setString(3, r.channel());
                    s.setLong(4, r.startTimeMillis());
                    s.setLong(5, r.durationMicros());
                    s.setLong(6, r.sequence());
                    s.setBoolean(7, r.discontinuity());
                    s.setLong(8, r.sizeBytes());
                    s.setBoolean(9, standardKey);
                });
    }

    @Override
    public List<SegmentRecord> range(String bucket, String channel, long fromMillis, long toMillis) {
        // Strings are the expensive column reads: bucket and channel are the parameters, and a standard object key
        // is rebuilt from channel and start time; only other keys are read (V3 migration).
        return db.queryList("query segments", "SELECT standard_key, start_millis, duration_micros, sequence, "
                + "discontinuity, size_bytes, object_key FROM segment "
                + "WHERE bucket = ? AND channel = ? AND start_millis >= ? AND start_millis <= ? "
                + "ORDER BY start_millis, sequence", s -> {
                    s.setString(1, bucket);
                    s.setString(2, channel);
                    s.setLong(3, fromMillis);
                    s.setLong(4, toMillis);
                }, row -> {
                    long start = row.getLong(2);
                    String key = row.getBoolean(1) ? standardKey(channel, start) : row.getString(7);
                    return new SegmentRecord(bucket, channel, key, start, row.getLong(3), row.getLong(4),
                            row.getBoolean(5), row.getLong(6));
                });
    }

    /** {@code <channel>/<epochMillis>.ts}, the form the HLS packager names segments. */
    private static String standardKey(String channel, long startMillis) {
        return channel + "/" + startMillis + ".ts";
    }

    @Override
    public boolean remove(String bucket, String objectKey) {
        return db.update("remove segment", "DELETE FROM segment WHERE bucket = ? AND object_key = ?", s -> {
            s.setString(1, bucket);
            s.setString(2, objectKey);
        }) > 0;
    }
}
