package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;

import java.util.Optional;

/** Access keys; the secret is stored as given (the server needs it to verify HMAC signatures). */
final class JdbcAccessKeyCatalog implements AccessKeyCatalog {
    private final SerializedConnection db;

    JdbcAccessKeyCatalog(SerializedConnection db) {
        this.db = db;
    }

    @Override
    public void put(AccessKey key) {
        db.update("put access key", "INSERT INTO access_key (id, secret) VALUES (?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET secret = excluded.secret", s -> {
                    s.setString(1, key.id());
                    s.setString(2, key.secret());
                });
    }

    @Override
    public Optional<AccessKey> find(String id) {
        return db.queryOne("find access key", "SELECT id, secret FROM access_key WHERE id = ?",
                s -> s.setString(1, id), row -> new AccessKey(row.getString(1), row.getString(2)));
    }
}
