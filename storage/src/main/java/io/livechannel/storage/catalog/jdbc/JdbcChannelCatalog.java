package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelCatalog;
import io.livechannel.storage.catalog.ChannelPage;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.Snapshot;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Channels and their playlist counters. Listing uses the primary key (bucket, name) as a range: names after the
 * marker and at or after the prefix, filtered by {@code substr} (not {@code LIKE}, whose wildcards and case
 * folding differ between SQLite and PostgreSQL), in byte order.
 */
final class JdbcChannelCatalog implements ChannelCatalog {
    /** ListLiveChannel's max-keys limit. */
    static final int MAX_LIST_KEYS = 1000;
    private static final String COLUMNS = "bucket, name, description, status, frag_duration_seconds, frag_count, "
            + "playlist_name, snapshot_role_name, snapshot_dest_bucket, snapshot_notify_topic, "
            + "snapshot_interval_seconds, last_modified_millis";

    private final Database db;

    JdbcChannelCatalog(Database db) {
        this.db = db;
    }

    @Override
    public void put(Channel c) {
        db.update("put channel", "INSERT INTO channel (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (bucket, name) DO UPDATE SET description = excluded.description, "
                + "status = excluded.status, frag_duration_seconds = excluded.frag_duration_seconds, "
                + "frag_count = excluded.frag_count, playlist_name = excluded.playlist_name, "
                + "snapshot_role_name = excluded.snapshot_role_name, "
                + "snapshot_dest_bucket = excluded.snapshot_dest_bucket, "
                + "snapshot_notify_topic = excluded.snapshot_notify_topic, "
                + "snapshot_interval_seconds = excluded.snapshot_interval_seconds, "
                + "last_modified_millis = excluded.last_modified_millis", s -> {
                    s.setString(1, c.bucket());
                    s.setString(2, c.name());
                    s.setString(3, c.description());
                    s.setString(4, c.status().wireValue());
                    s.setInt(5, c.fragDurationSeconds());
                    s.setInt(6, c.fragCount());
                    s.setString(7, c.playlistName());
                    Snapshot snap = c.snapshot();
                    s.setString(8, snap == null ? null : snap.roleName());
                    s.setString(9, snap == null ? null : snap.destBucket());
                    s.setString(10, snap == null ? null : snap.notifyTopic());
                    if (snap == null) {
                        s.setNull(11, Types.INTEGER);
                    } else {
                        s.setInt(11, snap.intervalSeconds());
                    }
                    s.setLong(12, c.lastModified().toEpochMilli());
                });
    }

    @Override
    public Optional<Channel> find(String bucket, String name) {
        return db.queryOne("find channel", "SELECT " + COLUMNS + " FROM channel WHERE bucket = ? AND name = ?", s -> {
            s.setString(1, bucket);
            s.setString(2, name);
        }, JdbcChannelCatalog::readChannel);
    }

    @Override
    public ChannelPage list(String bucket, String prefix, String marker, int maxKeys) {
        if (maxKeys < 1 || maxKeys > MAX_LIST_KEYS) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " outside 1.." + MAX_LIST_KEYS);
        }
        String p = prefix == null ? "" : prefix;
        String m = marker == null ? "" : marker;
        List<Channel> rows = db.queryList("list channels", "SELECT " + COLUMNS + " FROM channel "
                + "WHERE bucket = ? AND name > ? AND name >= ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, m);
                    s.setString(3, p);
                    s.setInt(4, p.codePointCount(0, p.length())); // SQL substr counts characters, not UTF-16 units
                    s.setString(5, p);
                    s.setInt(6, maxKeys + 1);
                }, JdbcChannelCatalog::readChannel);
        boolean truncated = rows.size() > maxKeys;
        List<Channel> page = truncated ? rows.subList(0, maxKeys) : rows;
        return new ChannelPage(page, truncated, truncated ? page.get(maxKeys - 1).name() : null);
    }

    @Override
    public boolean delete(String bucket, String name) {
        return db.update("delete channel", "DELETE FROM channel WHERE bucket = ? AND name = ?", s -> {
            s.setString(1, bucket);
            s.setString(2, name);
        }) > 0;
    }

    @Override
    public PlaylistCounters counters(String bucket, String name) {
        return db.queryOne("read playlist counters", "SELECT next_media_sequence, discontinuity_sequence "
                + "FROM playlist_counters WHERE bucket = ? AND channel = ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, name);
                }, row -> new PlaylistCounters(row.getLong(1), row.getLong(2))).orElse(PlaylistCounters.INITIAL);
    }

    @Override
    public void saveCounters(String bucket, String name, PlaylistCounters counters) {
        db.update("save playlist counters", "INSERT INTO playlist_counters (bucket, channel, next_media_sequence, "
                + "discontinuity_sequence) VALUES (?, ?, ?, ?) ON CONFLICT (bucket, channel) DO UPDATE SET "
                + "next_media_sequence = excluded.next_media_sequence, "
                + "discontinuity_sequence = excluded.discontinuity_sequence", s -> {
                    s.setString(1, bucket);
                    s.setString(2, name);
                    s.setLong(3, counters.nextMediaSequence());
                    s.setLong(4, counters.discontinuitySequence());
                });
    }

    private static Channel readChannel(ResultSet row) throws SQLException {
        int interval = row.getInt("snapshot_interval_seconds");
        Snapshot snapshot = row.wasNull() ? null : new Snapshot(row.getString("snapshot_role_name"),
                row.getString("snapshot_dest_bucket"), row.getString("snapshot_notify_topic"), interval);
        return new Channel(row.getString("bucket"), row.getString("name"), row.getString("description"),
                ChannelStatus.ofWireValue(row.getString("status")), row.getInt("frag_duration_seconds"),
                row.getInt("frag_count"), row.getString("playlist_name"), snapshot,
                Instant.ofEpochMilli(row.getLong("last_modified_millis")));
    }
}
