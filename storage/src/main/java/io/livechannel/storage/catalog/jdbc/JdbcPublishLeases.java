package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogChangeListener;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.LeaseLostException;
import io.livechannel.storage.catalog.PublishLeases;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link PublishLeases} in the {@code channel_lease} table (migration V5). Times are milliseconds on the
 * database's clock ({@link #now}), so that the nodes' clocks never meet in a comparison.
 *
 * <p>Dialects: PostgreSQL locks the row for the decision of {@link #acquire} ({@code FOR UPDATE}; the insert of
 * a missing row first makes that row exist to lock) and renews a node's leases in one {@code UPDATE ... FROM
 * unnest(...)} whatever their number; SQLite, whose writes are serialised by the one connection anyway, renews
 * them one statement each in one transaction.
 */
final class JdbcPublishLeases implements PublishLeases {
    private static final String COLUMNS = "bucket, channel, owner, epoch, expires_at, last_activity, stats";

    private final Database db;
    private final SqlDialect dialect;
    /** The database's clock in milliseconds since the epoch, as an SQL expression. */
    private final String now;

    JdbcPublishLeases(Database db, SqlDialect dialect) {
        this.db = db;
        this.dialect = dialect;
        this.now = switch (dialect) {
            case SQLITE -> "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
            case POSTGRES -> "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
        };
    }

    /** A row as {@link #acquire} reads it, with the database's time of the read. */
    private record Row(String owner, long epoch, long expiresAt, long lastActivity, long now) {
    }

    @Override
    public Acquisition acquire(String bucket, String channel, String node, long heldEpoch, Duration ttl,
                               Duration idleTimeout) {
        return db.inTransaction("acquire channel lease", () -> {
            db.update("acquire channel lease", "INSERT INTO channel_lease (" + COLUMNS + ") "
                    + "VALUES (?, ?, NULL, 0, 0, 0, NULL) ON CONFLICT (bucket, channel) DO NOTHING", s -> {
                        s.setString(1, bucket);
                        s.setString(2, channel);
                    });
            Row row = db.queryOne("acquire channel lease", "SELECT owner, epoch, expires_at, last_activity, " + now
                    + " FROM channel_lease WHERE bucket = ? AND channel = ?"
                    + (dialect == SqlDialect.POSTGRES ? " FOR UPDATE" : ""), s -> {
                        s.setString(1, bucket);
                        s.setString(2, channel);
                    }, r -> new Row(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)))
                    .orElseThrow();
            boolean ours = row.owner() != null && row.owner().equals(node) && heldEpoch != 0
                    && row.epoch() == heldEpoch;
            boolean expired = row.owner() != null && row.expiresAt() <= row.now();
            boolean idle = row.owner() != null && row.now() - row.lastActivity() >= idleTimeout.toMillis();
            if (row.owner() != null && !ours && !expired && !idle) {
                return new Held(row.owner());
            }
            long epoch = ours ? row.epoch() : row.epoch() + 1;
            db.update("acquire channel lease", "UPDATE channel_lease SET owner = ?, epoch = ?, expires_at = " + now
                    + " + ?, last_activity = " + now + ", stats = NULL WHERE bucket = ? AND channel = ?", s -> {
                        s.setString(1, node);
                        s.setLong(2, epoch);
                        s.setLong(3, ttl.toMillis());
                        s.setString(4, bucket);
                        s.setString(5, channel);
                    });
            Previous previous = ours || row.owner() == null ? null
                    : new Previous(row.owner(), row.epoch(), expired);
            return new Granted(epoch, previous);
        });
    }

    @Override
    public boolean release(String bucket, String channel, String node, long epoch) {
        return db.update("release channel lease", "UPDATE channel_lease SET owner = NULL, expires_at = " + now
                + ", stats = NULL WHERE bucket = ? AND channel = ? AND owner = ? AND epoch = ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, channel);
                    s.setString(3, node);
                    s.setLong(4, epoch);
                }) == 1;
    }

    @Override
    public List<LostLease> heartbeat(String node, Duration ttl, List<Renewal> renewals) {
        if (renewals.isEmpty()) {
            return List.of();
        }
        Map<LeaseKey, String> renewed = dialect == SqlDialect.POSTGRES ? renewInOneStatement(node, ttl, renewals)
                : renewOneByOne(node, ttl, renewals);
        List<LostLease> lost = new ArrayList<>();
        for (Renewal r : renewals) {
            LeaseKey key = new LeaseKey(r.bucket(), r.channel());
            if (!renewed.containsKey(key)) {
                lost.add(new LostLease(r.bucket(), r.channel(), r.epoch(), LossReason.TAKEN_OVER));
                continue;
            }
            String status = renewed.get(key);
            if (status == null) {
                lost.add(new LostLease(r.bucket(), r.channel(), r.epoch(), LossReason.CHANNEL_DELETED));
            } else if (ChannelStatus.ofWireValue(status) == ChannelStatus.DISABLED) {
                lost.add(new LostLease(r.bucket(), r.channel(), r.epoch(), LossReason.CHANNEL_DISABLED));
            }
        }
        return lost;
    }

    private record LeaseKey(String bucket, String channel) {
    }

    /** PostgreSQL: every renewal in one statement; returns the renewed leases with their channel's status. */
    private Map<LeaseKey, String> renewInOneStatement(String node, Duration ttl, List<Renewal> renewals) {
        int n = renewals.size();
        String[] buckets = new String[n];
        String[] channels = new String[n];
        Long[] epochs = new Long[n];
        Long[] idles = new Long[n];
        String[] stats = new String[n];
        for (int i = 0; i < n; i++) {
            Renewal r = renewals.get(i);
            buckets[i] = r.bucket();
            channels[i] = r.channel();
            epochs[i] = r.epoch();
            idles[i] = Math.max(0, r.idleMillis());
            stats[i] = r.stats();
        }
        Map<LeaseKey, String> renewed = new HashMap<>();
        db.queryList("renew channel leases", "UPDATE channel_lease AS l SET expires_at = " + now + " + ?, "
                + "last_activity = " + now + " - r.idle, stats = r.stats "
                + "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[]) "
                + "AS r (bucket, channel, epoch, idle, stats) "
                + "LEFT JOIN channel AS c ON c.bucket = r.bucket AND c.name = r.channel "
                + "WHERE l.bucket = r.bucket AND l.channel = r.channel AND l.epoch = r.epoch AND l.owner = ? "
                + "RETURNING l.bucket, l.channel, c.status", s -> {
                    s.setLong(1, ttl.toMillis());
                    s.setArray(2, s.getConnection().createArrayOf("text", buckets));
                    s.setArray(3, s.getConnection().createArrayOf("text", channels));
                    s.setArray(4, s.getConnection().createArrayOf("bigint", epochs));
                    s.setArray(5, s.getConnection().createArrayOf("bigint", idles));
                    s.setArray(6, s.getConnection().createArrayOf("text", stats));
                    s.setString(7, node);
                }, row -> renewed.put(new LeaseKey(row.getString(1), row.getString(2)), row.getString(3)));
        return renewed;
    }

    /** SQLite: one statement per renewal, in one transaction. */
    private Map<LeaseKey, String> renewOneByOne(String node, Duration ttl, List<Renewal> renewals) {
        Map<LeaseKey, String> renewed = new HashMap<>();
        db.inTransaction("renew channel leases", () -> {
            for (Renewal r : renewals) {
                db.queryOne("renew channel leases", "UPDATE channel_lease SET expires_at = " + now + " + ?, "
                        + "last_activity = " + now + " - ?, stats = ? "
                        + "WHERE bucket = ? AND channel = ? AND epoch = ? AND owner = ? "
                        + "RETURNING (SELECT status FROM channel AS c WHERE c.bucket = channel_lease.bucket "
                        + "AND c.name = channel_lease.channel)", s -> {
                            s.setLong(1, ttl.toMillis());
                            s.setLong(2, Math.max(0, r.idleMillis()));
                            s.setString(3, r.stats());
                            s.setString(4, r.bucket());
                            s.setString(5, r.channel());
                            s.setLong(6, r.epoch());
                            s.setString(7, node);
                        }, row -> Optional.ofNullable(row.getString(1)))
                        .ifPresent(status -> renewed.put(new LeaseKey(r.bucket(), r.channel()), status.orElse(null)));
            }
            return null;
        });
        return renewed;
    }

    @Override
    public void verify(String bucket, String channel, long epoch) {
        long current = db.queryOne("verify channel lease", "SELECT epoch FROM channel_lease "
                + "WHERE bucket = ? AND channel = ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, channel);
                }, row -> row.getLong(1)).orElse(0L);
        if (current != epoch) {
            throw new LeaseLostException("the lease of " + bucket + "/" + channel + " is at epoch " + current
                    + ", not " + epoch + ": another node took the channel over");
        }
    }

    @Override
    public void requestKick(String bucket, String channel) {
        if (dialect == SqlDialect.POSTGRES) {
            db.queryList("send publish kick", "SELECT pg_notify(?, ?)", s -> {
                s.setString(1, ChangeNotices.CHANNEL);
                s.setString(2, CatalogChangeListener.Kind.PUBLISH_KICK.wireName() + ":" + bucket + "/" + channel);
            }, row -> Boolean.TRUE);
        }
    }

    @Override
    public Optional<LeaseRecord> find(String bucket, String channel) {
        return db.queryOne("read channel lease", "SELECT " + COLUMNS + ", " + now + " FROM channel_lease "
                + "WHERE bucket = ? AND channel = ?", s -> {
                    s.setString(1, bucket);
                    s.setString(2, channel);
                }, JdbcPublishLeases::readRecord);
    }

    @Override
    public List<LeaseRecord> expired(int limit) {
        return db.queryList("list expired channel leases", "SELECT " + COLUMNS + ", " + now + " FROM channel_lease "
                + "WHERE owner IS NOT NULL AND expires_at <= " + now + " ORDER BY expires_at LIMIT ?",
                s -> s.setInt(1, limit), JdbcPublishLeases::readRecord);
    }

    @Override
    public int expireAllOf(String node) {
        return db.update("expire a node's channel leases", "UPDATE channel_lease SET expires_at = 0 "
                + "WHERE owner = ?", s -> s.setString(1, node));
    }

    @Override
    public int releaseAll() {
        return db.update("release channel leases", "UPDATE channel_lease SET owner = NULL, stats = NULL "
                + "WHERE owner IS NOT NULL", Database.NO_PARAMETERS);
    }

    private static LeaseRecord readRecord(ResultSet row) throws SQLException {
        String owner = row.getString(3);
        long now = row.getLong(8);
        return new LeaseRecord(row.getString(1), row.getString(2), owner, row.getLong(4),
                owner != null && row.getLong(5) > now, Math.max(0, now - row.getLong(6)), row.getString(7));
    }
}
