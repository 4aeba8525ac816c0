package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.SegmentIndex;
import io.livechannel.storage.catalog.SegmentRecord;

import java.util.List;

/**
 * The per-segment index behind VoD playlists. Range queries are answered from the covering index
 * {@code segment_by_channel_time} alone (migration V2); a day of 1-second segments is measured in {@code bench}
 * ({@code SegmentRangeBenchmark}, numbers in {@code docs/benchmarks.md}).
 */
final class JdbcSegmentIndex implements SegmentIndex {
    private final SerializedConnection db;

    JdbcSegmentIndex(SerializedConnection db) {
        this.db = db;
    }

    @Override
    public void add(SegmentRecord r) {
        db.update("index segment", "INSERT INTO segment (bucket, object_key, channel, start_millis, duration_micros, "
                + "sequence, discontinuity, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (bucket, object_key) DO UPDATE SET channel = excluded.channel, "
                + "start_millis = excluded.start_millis, duration_micros = excluded.duration_micros, "
                + "sequence = excluded.sequence, discontinuity = excluded.discontinuity, "
                + "size_bytes = excluded.size_bytes", s -> {
                    s.setString(1, r.bucket());
                    s.setString(2, r.objectKey());
                    s.setString(3, r.channel());
                    s.setLong(4, r.startTimeMillis());
                    s.setLong(5, r.durationMicros());
                    s.setLong(6, r.sequence());
                    s.setBoolean(7, r.discontinuity());
                    s.setLong(8, r.sizeBytes());
                });
    }

    @Override
    public List<SegmentRecord> range(String bucket, String channel, long fromMillis, long toMillis) {
        // bucket and channel are the parameters: not read back, saving two string reads per row
        return db.queryList("query segments", "SELECT object_key, start_millis, duration_micros, sequence, "
                + "discontinuity, size_bytes FROM segment "
                + "WHERE bucket = ? AND channel = ? AND start_millis >= ? AND start_millis <= ? "
                + "ORDER BY start_millis, sequence", s -> {
                    s.setString(1, bucket);
                    s.setString(2, channel);
                    s.setLong(3, fromMillis);
                    s.setLong(4, toMillis);
                }, row -> new SegmentRecord(bucket, channel, row.getString(1), row.getLong(2), row.getLong(3),
                        row.getLong(4), row.getBoolean(5), row.getLong(6)));
    }

    @Override
    public boolean remove(String bucket, String objectKey) {
        return db.update("remove segment", "DELETE FROM segment WHERE bucket = ? AND object_key = ?", s -> {
            s.setString(1, bucket);
            s.setString(2, objectKey);
        }) > 0;
    }
}
