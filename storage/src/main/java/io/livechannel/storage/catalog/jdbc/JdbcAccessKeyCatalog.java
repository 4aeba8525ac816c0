package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.livechannel.storage.catalog.CatalogChangeListener.Kind;

import java.util.Optional;

/** Access keys; the secret is stored as given (the server needs it to verify HMAC signatures). */
final class JdbcAccessKeyCatalog implements AccessKeyCatalog {
    private final Database db;
    private final ChangeNotices notices;

    JdbcAccessKeyCatalog(Database db, ChangeNotices notices) {
        this.db = db;
        this.notices = notices;
    }

    @Override
    public void put(AccessKey key) {
        db.inTransaction("put access key", () -> {
            db.update("put access key", "INSERT INTO access_key (id, secret) VALUES (?, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET secret = excluded.secret", s -> {
                        s.setString(1, key.id());
                        s.setString(2, key.secret());
                    });
            notices.send(Kind.ACCESS_KEY, key.id());
            return null;
        });
    }

    @Override
    public Optional<AccessKey> find(String id) {
        return db.queryOne("find access key", "SELECT id, secret FROM access_key WHERE id = ?",
                s -> s.setString(1, id), row -> new AccessKey(row.getString(1), row.getString(2)));
    }
}
