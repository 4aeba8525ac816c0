package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.SegmentIndex;
import io.livechannel.storage.catalog.SegmentRecord;

import java.util.List;

/**
 * The per-segment index behind VoD playlists. A range query is answered from the covering index
 * {@code segment_by_channel_time} alone (migrations V2-V4), and SQLite concatenates the range's {@link PackedSegment}
 * values into one BLOB, so Java makes one JNI call per query rather than several per row. A day of 1-second
 * segments is measured in {@code bench} ({@code SegmentRangeBenchmark}, numbers in {@code docs/benchmarks.md}).
 *
 * <p>Limits: the concatenated range must fit in one SQLite value ({@code SQLITE_MAX_LENGTH}, 10^9 bytes by default:
 * about 30 million segments, 347 days of 1-second segments) and in one Java array.
 *
 * <p>Dialects: the range query is SQLite's ({@code group_concat} over an ordered subquery); PostgreSQL's twin is
 * {@code string_agg(packed, ''::bytea ORDER BY start_millis, sequence)}. Every other statement is shared.
 */
final class JdbcSegmentIndex implements SegmentIndex {
    /**
     * One row, NULL for an empty range. Reading the columns of 86,400 rows one JNI call at a time cost ~0.4 us per
     * row (V3); group_concat's own ORDER BY would sort again (see {@link PackedSegment#decode} on the order).
     */
    static final String RANGE_QUERY = "SELECT CAST(group_concat(packed, x'') AS BLOB) FROM "
            + "(SELECT packed FROM segment WHERE bucket = ? AND channel = ? AND start_millis >= ? "
            + "AND start_millis <= ? ORDER BY start_millis, sequence)";

    private final SerializedConnection db;

    JdbcSegmentIndex(SerializedConnection db) {
        this.db = db;
    }

    @Override
    public void add(SegmentRecord r) {
        byte[] packed = PackedSegment.encode(r);
        db.update("index segment", "INSERT INTO segment (bucket, object_key, channel, start_millis, duration_micros, "
                + "sequence, discontinuity, size_bytes, packed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (bucket, object_key) DO UPDATE SET channel = excluded.channel, "
                + "start_millis = excluded.start_millis, duration_micros = excluded.duration_micros, "
                + "sequence = excluded.sequence, discontinuity = excluded.discontinuity, "
                + "size_bytes = excluded.size_bytes, packed = excluded.packed", s -> {
                    s.setString(1, r.bucket());
                    s.setString(2, r.objectKey());
                    s.setString(3, r.channel());
                    s.setLong(4, r.startTimeMillis());
                    s.setLong(5, r.durationMicros());
                    s.setLong(6, r.sequence());
                    s.setBoolean(7, r.discontinuity());
                    s.setLong(8, r.sizeBytes());
                    s.setBytes(9, packed);
                });
    }

    @Override
    public List<SegmentRecord> range(String bucket, String channel, long fromMillis, long toMillis) {
        List<byte[]> packed = db.queryList("query segments", RANGE_QUERY, s -> {
            s.setString(1, bucket);
            s.setString(2, channel);
            s.setLong(3, fromMillis);
            s.setLong(4, toMillis);
        }, row -> row.getBytes(1));
        return PackedSegment.decode(packed.get(0), bucket, channel);
    }

    @Override
    public boolean remove(String bucket, String objectKey) {
        return db.update("remove segment", "DELETE FROM segment WHERE bucket = ? AND object_key = ?", s -> {
            s.setString(1, bucket);
            s.setString(2, objectKey);
        }) > 0;
    }
}
