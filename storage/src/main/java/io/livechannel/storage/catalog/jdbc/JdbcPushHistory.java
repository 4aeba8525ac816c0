package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.PushHistory;
import io.livechannel.storage.catalog.PushRecord;

import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * Publish sessions. Only the newest {@value #RECORDS_KEPT} per channel are kept (GetLiveChannelHistory shows at
 * most 10): older ones are deleted in the same transaction as each new start, so the table stays bounded.
 */
final class JdbcPushHistory implements PushHistory {
    /** GetLiveChannelHistory returns up to the 10 most recent LiveRecords. */
    static final int RECORDS_KEPT = 10;

    private final Database db;

    JdbcPushHistory(Database db) {
        this.db = db;
    }

    @Override
    public long recordStart(String bucket, String channel, Instant start, String remoteAddress) {
        return db.inTransaction("record push start", () -> {
            long id = db.queryOne("record push start", "INSERT INTO push_record (bucket, channel, start_millis, "
                    + "end_millis, remote_address) VALUES (?, ?, ?, ?, ?) RETURNING id", s -> {
                        s.setString(1, bucket);
                        s.setString(2, channel);
                        s.setLong(3, start.toEpochMilli());
                        s.setNull(4, Types.BIGINT);
                        s.setString(5, remoteAddress);
                    }, row -> row.getLong(1)).orElseThrow();
            db.update("prune push history", "DELETE FROM push_record WHERE bucket = ? AND channel = ? AND id NOT IN "
                    + "(SELECT id FROM push_record WHERE bucket = ? AND channel = ? "
                    + "ORDER BY start_millis DESC, id DESC LIMIT ?)", s -> {
                        s.setString(1, bucket);
                        s.setString(2, channel);
                        s.setString(3, bucket);
                        s.setString(4, channel);
                        s.setInt(5, RECORDS_KEPT);
                    });
            return id;
        });
    }

    @Override
    public void recordEnd(long id, Instant end) {
        db.update("record push end", "UPDATE push_record SET end_millis = ? WHERE id = ?", s -> {
            s.setLong(1, end.toEpochMilli());
            s.setLong(2, id);
        });
    }

    @Override
    public List<PushRecord> recent(String bucket, String channel, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit < 1: " + limit);
        }
        return db.queryList("read push history", "SELECT id, bucket, channel, start_millis, end_millis, "
                + "remote_address FROM push_record WHERE bucket = ? AND channel = ? "
                + "ORDER BY start_millis DESC, id DESC LIMIT ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, channel);
                    s.setInt(3, limit);
                }, row -> {
                    long endMillis = row.getLong("end_millis");
                    Instant end = row.wasNull() ? null : Instant.ofEpochMilli(endMillis);
                    return new PushRecord(row.getLong("id"), row.getString("bucket"), row.getString("channel"),
                            Instant.ofEpochMilli(row.getLong("start_millis")), end, row.getString("remote_address"));
                });
    }
}
