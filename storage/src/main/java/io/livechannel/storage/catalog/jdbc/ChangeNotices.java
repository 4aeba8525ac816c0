package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogChangeListener.Kind;

/**
 * Tells the other nodes sharing a PostgreSQL catalog that a row their caches may hold was written: a
 * {@code NOTIFY} on {@value #CHANNEL} with the payload {@code <kind>:<name>}, sent inside the writer's transaction,
 * so PostgreSQL delivers it when (and only if) the write commits. {@link PostgresChangeFeed} hears them. SQLite has
 * no other writers: {@link #NONE} sends nothing.
 */
final class ChangeNotices {
    static final String CHANNEL = "livechannel_catalog";
    static final ChangeNotices NONE = new ChangeNotices(null);

    /** Null when nobody else can be listening. */
    private final Database db;

    private ChangeNotices(Database db) {
        this.db = db;
    }

    static ChangeNotices postgres(Database db) {
        return new ChangeNotices(db);
    }

    /** Call inside the transaction of the write. */
    void send(Kind kind, String name) {
        if (db == null) {
            return;
        }
        db.queryList("send change notice", "SELECT pg_notify(?, ?)", s -> {
            s.setString(1, CHANNEL);
            s.setString(2, kind.wireName() + ":" + name);
        }, row -> Boolean.TRUE);
    }
}
