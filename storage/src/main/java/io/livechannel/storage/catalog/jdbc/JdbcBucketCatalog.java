package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.BucketCatalog;
import io.livechannel.storage.catalog.CatalogChangeListener.Kind;
import io.livechannel.storage.catalog.CorsRule;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Buckets and their CORS rules (one row per rule, in order). */
final class JdbcBucketCatalog implements BucketCatalog {
    private static final String COLUMNS = "name, acl, created_millis";

    private final Database db;
    private final ChangeNotices notices;

    JdbcBucketCatalog(Database db, ChangeNotices notices) {
        this.db = db;
        this.notices = notices;
    }

    @Override
    public boolean create(Bucket bucket) {
        return db.inTransaction("create bucket", () -> {
            int inserted = db.update("create bucket",
                    "INSERT INTO bucket (" + COLUMNS + ") VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING", s -> {
                        s.setString(1, bucket.name());
                        s.setString(2, bucket.acl().wireValue());
                        s.setLong(3, bucket.created().toEpochMilli());
                    });
            if (inserted == 0) {
                return false;
            }
            insertRules(bucket.name(), bucket.corsRules());
            notices.send(Kind.BUCKET, bucket.name());
            return true;
        });
    }

    @Override
    public Optional<Bucket> find(String name) {
        return db.inTransaction("find bucket", () -> db.queryOne("find bucket",
                "SELECT " + COLUMNS + " FROM bucket WHERE name = ?", s -> s.setString(1, name), this::readBucket));
    }

    @Override
    public List<Bucket> list() {
        return db.inTransaction("list buckets", () -> db.queryList("list buckets",
                "SELECT " + COLUMNS + " FROM bucket ORDER BY name", Database.NO_PARAMETERS,
                this::readBucket));
    }

    @Override
    public boolean delete(String name) {
        return db.inTransaction("delete bucket", () -> {
            db.update("delete bucket", "DELETE FROM bucket_cors_rule WHERE bucket = ?", s -> s.setString(1, name));
            boolean deleted = db.update("delete bucket", "DELETE FROM bucket WHERE name = ?",
                    s -> s.setString(1, name)) > 0;
            if (deleted) {
                notices.send(Kind.BUCKET, name);
            }
            return deleted;
        });
    }

    @Override
    public boolean setAcl(String name, BucketAcl acl) {
        return db.inTransaction("set bucket acl", () -> {
            boolean changed = db.update("set bucket acl", "UPDATE bucket SET acl = ? WHERE name = ?", s -> {
                s.setString(1, acl.wireValue());
                s.setString(2, name);
            }) > 0;
            if (changed) {
                notices.send(Kind.BUCKET, name);
            }
            return changed;
        });
    }

    @Override
    public boolean setCorsRules(String name, List<CorsRule> rules) {
        return db.inTransaction("set bucket cors", () -> {
            boolean exists = db.queryOne("set bucket cors", "SELECT 1 FROM bucket WHERE name = ?",
                    s -> s.setString(1, name), row -> true).isPresent();
            if (!exists) {
                return false;
            }
            db.update("set bucket cors", "DELETE FROM bucket_cors_rule WHERE bucket = ?", s -> s.setString(1, name));
            insertRules(name, rules);
            notices.send(Kind.BUCKET, name);
            return true;
        });
    }

    private void insertRules(String bucket, List<CorsRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            CorsRule rule = rules.get(i);
            int position = i;
            db.update("insert cors rule", "INSERT INTO bucket_cors_rule (bucket, position, allowed_origins, "
                    + "allowed_methods, allowed_headers, expose_headers, max_age_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    s -> {
                        s.setString(1, bucket);
                        s.setInt(2, position);
                        s.setString(3, join(rule.allowedOrigins()));
                        s.setString(4, join(rule.allowedMethods()));
                        s.setString(5, join(rule.allowedHeaders()));
                        s.setString(6, join(rule.exposeHeaders()));
                        s.setInt(7, rule.maxAgeSeconds());
                    });
        }
    }

    private Bucket readBucket(ResultSet row) throws SQLException {
        String name = row.getString("name");
        List<CorsRule> rules = db.queryList("read cors rules", "SELECT allowed_origins, allowed_methods, "
                + "allowed_headers, expose_headers, max_age_seconds FROM bucket_cors_rule WHERE bucket = ? "
                + "ORDER BY position", s -> s.setString(1, name), r -> new CorsRule(split(r.getString(1)),
                split(r.getString(2)), split(r.getString(3)), split(r.getString(4)), r.getInt(5)));
        return new Bucket(name, BucketAcl.ofWireValue(row.getString("acl")),
                Instant.ofEpochMilli(row.getLong("created_millis")), rules);
    }

    /** Origins, methods and header names cannot contain a newline (HTTP forbids it), so it separates them. */
    private static String join(List<String> values) {
        for (String v : values) {
            if (v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("CORS value contains a newline");
            }
        }
        return String.join("\n", values);
    }

    private static List<String> split(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\n", -1));
    }
}
