package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.livechannel.storage.catalog.BucketCatalog;
import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.ChannelCatalog;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PublishLeases;
import io.livechannel.storage.catalog.PushHistory;
import io.livechannel.storage.catalog.SegmentIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

/**
 * The catalog on JDBC. {@link #openSqlite(Path)} opens (creating and migrating) the embedded SQLite database.
 *
 * <p>SQLite settings: WAL journal (readers never block the writer), {@code synchronous=NORMAL} (with WAL a
 * process crash loses nothing committed; a power loss may lose the last transactions), busy timeout
 * {@value #BUSY_TIMEOUT_MILLIS} ms, foreign keys on, WAL checkpoints on another connection and thread
 * ({@link WalCheckpointer}) instead of inside commits. One connection serves every call, one call at a time, so
 * writes are serialised.
 *
 * <p>Threading: thread-safe; every call blocks on the database, so call it from a storage executor, never from a
 * Netty event loop. Errors are {@link CatalogException}s. {@link #close()} closes the connection.
 */
public final class JdbcMetadataStore implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcMetadataStore.class);
    /** How long a call waits for another process's lock on the file (e.g. a backup tool) before failing. */
    static final int BUSY_TIMEOUT_MILLIS = 5000;
    /** How long a WAL restart waits for another connection's reader, holding the catalog meanwhile. */
    static final int RESTART_BUSY_TIMEOUT_MILLIS = 100;

    private final SerializedConnection db;
    private final int schemaVersion;
    private final BucketCatalog buckets;
    private final AccessKeyCatalog accessKeys;
    private final ChannelCatalog channels;
    private final PushHistory history;
    private final SegmentIndex segments;
    private final PublishLeases leases;
    /** Set by {@link #openSqlite} right after construction; null for other databases. */
    private WalCheckpointer checkpointer;

    JdbcMetadataStore(Connection connection, SqlDialect dialect, Clock clock) {
        this.db = new SerializedConnection(connection);
        this.schemaVersion = new SchemaMigrations(dialect, clock).migrate(db);
        this.buckets = new JdbcBucketCatalog(db);
        this.accessKeys = new JdbcAccessKeyCatalog(db);
        this.channels = new JdbcChannelCatalog(db);
        this.history = new JdbcPushHistory(db);
        this.segments = new JdbcSegmentIndex(db);
        this.leases = new JdbcPublishLeases(db, dialect);
    }

    /** Opens the SQLite catalog at {@code dbFile}, creating its directory and file and migrating the schema. */
    public static JdbcMetadataStore openSqlite(Path dbFile) {
        Path file = dbFile.toAbsolutePath();
        Connection connection = null;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA wal_autocheckpoint=0"); // WalCheckpointer does it, off this connection
            }
            JdbcMetadataStore store = new JdbcMetadataStore(connection, SqlDialect.SQLITE, Clock.systemUTC());
            try {
                store.checkpointer = WalCheckpointer.start(file, store::restartWal);
            } catch (SQLException e) {
                store.close();
                throw e;
            }
            log.info("catalog opened: SQLite {} (schema version {})", file, store.schemaVersion);
            return store;
        } catch (SQLException | IOException | RuntimeException e) {
            closeQuietly(connection);
            throw e instanceof CatalogException ce ? ce
                    : new CatalogException("cannot open SQLite catalog " + file + ": " + e.getMessage(), e);
        }
    }

    /** The schema version the database is at (the newest this code knows). */
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public BucketCatalog buckets() {
        return buckets;
    }

    @Override
    public AccessKeyCatalog accessKeys() {
        return accessKeys;
    }

    @Override
    public ChannelCatalog channels() {
        return channels;
    }

    @Override
    public PushHistory history() {
        return history;
    }

    @Override
    public SegmentIndex segments() {
        return segments;
    }

    @Override
    public PublishLeases leases() {
        return leases;
    }

    @Override
    public void inOneTransaction(Runnable work) {
        db.inTransaction("catalog batch", () -> {
            work.run();
            return null;
        });
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        db.close(); // the last connection to close checkpoints the rest of the WAL and deletes it
    }

    /**
     * The checkpointer's second step, on this connection: see {@link WalCheckpointer}. A reader on another
     * connection (a backup tool, say) makes a restart wait for it; that wait is cut to
     * {@value #RESTART_BUSY_TIMEOUT_MILLIS} ms, as it holds the catalog, and the WAL is then restarted next time.
     */
    private WalCheckpointer.Result restartWal() {
        return db.withConnection("restart the catalog WAL", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=" + RESTART_BUSY_TIMEOUT_MILLIS);
                try {
                    return WalCheckpointer.checkpoint(c, "RESTART");
                } finally {
                    s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
                }
            }
        });
    }

    /** The SQLite WAL checkpointer; null for other databases. */
    WalCheckpointer checkpointer() {
        return checkpointer;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing a failed catalog connection: {}", e.toString());
            }
        }
    }
}
