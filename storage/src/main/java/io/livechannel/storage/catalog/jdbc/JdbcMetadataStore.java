package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.livechannel.storage.catalog.BucketCatalog;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.livechannel.storage.catalog.CatalogChangeListener;
import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.CatalogUnavailableException;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The catalog on JDBC. {@link #openSqlite(Path)} opens (creating and migrating) the embedded SQLite database;
 * {@link #openPostgres} a PostgreSQL database shared by several server nodes.
 *
 * <p>SQLite settings: WAL journal (readers never block the writer), {@code synchronous=NORMAL} (with WAL a
 * process crash loses nothing committed; a power loss may lose the last transactions), busy timeout
 * {@value #BUSY_TIMEOUT_MILLIS} ms, foreign keys on, WAL checkpoints on another connection and thread
 * ({@link WalCheckpointer}) instead of inside commits. One connection serves every call, one call at a time, so
 * writes are serialised.
 *
 * <p>PostgreSQL (13 or newer): a HikariCP pool of at most {@value #MAX_POOL_CONNECTIONS} connections; a call waits
 * at most {@value #POOL_WAIT_MILLIS} ms for one (the database down: then it fails with
 * {@link io.livechannel.storage.catalog.CatalogUnavailableException}). Migrations, and whatever the caller runs
 * through {@link #underStartupLock}, hold a session advisory lock ({@value #STARTUP_LOCK}), so that nodes starting
 * together on an empty database apply the schema once, one after another.
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
    /** PostgreSQL: the pool's bound; the server's catalog work is 8 executor threads and the batch thread. */
    public static final int MAX_POOL_CONNECTIONS = 12;
    /** PostgreSQL: how long a call waits for a pooled connection, so for an unreachable database to be reported. */
    public static final long POOL_WAIT_MILLIS = 3000;
    /** PostgreSQL: how long a node's start waits for an unreachable database before it gives up (exit code 3). */
    static final java.time.Duration START_BUDGET = java.time.Duration.ofSeconds(10);
    /** PostgreSQL: a new connection's TCP connect timeout, in seconds (the driver's unit). */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /**
     * PostgreSQL: the longest a pooled connection waits for the server's answer, in seconds. A database cut off
     * without a reset (a partition) then fails a call (503) rather than holding a catalog thread until TCP gives up;
     * far above any catalog statement (a day's VoD range reads 1,440 rows).
     */
    static final int SOCKET_TIMEOUT_SECONDS = 30;
    /**
     * PostgreSQL: how long a call waits for a pooled connection (at least 500 ms) and how long opening waits for an
     * unreachable database. The server runs with {@link #DEFAULT}; tests of an outage take shorter ones, so that
     * what they check (the failure, the recovery) does not wait out the server's patience.
     */
    public record Waits(long poolWaitMillis, java.time.Duration startBudget) {
        public static final Waits DEFAULT = new Waits(POOL_WAIT_MILLIS, START_BUDGET);

        public Waits {
            if (poolWaitMillis < 500 || startBudget.isNegative()) {
                throw new IllegalArgumentException("pool wait below 500 ms or negative start budget: "
                        + poolWaitMillis + " ms, " + startBudget);
            }
        }

        public Waits withPoolWaitMillis(long millis) {
            return new Waits(millis, startBudget);
        }
    }

    /** PostgreSQL: the advisory lock key of migrations and bootstrap ("lc" + "catalog" in ASCII, no meaning). */
    static final long STARTUP_LOCK = 0x6c63_6361_7461_6cL;

    private final Database db;
    private final SqlDialect dialect;
    private final int schemaVersion;
    private final boolean startedEmpty;
    private final BucketCatalog buckets;
    private final AccessKeyCatalog accessKeys;
    private final ChannelCatalog channels;
    private final PushHistory history;
    private final SegmentIndex segments;
    private final PublishLeases leases;
    /** Set by {@link #openPostgres} right after construction: where {@link #subscribe} connects; else null. */
    private PostgresLogin login;
    private final List<PostgresChangeFeed> feeds = new CopyOnWriteArrayList<>();
    /** Set by {@link #openSqlite} right after construction; null for other databases. */
    private WalCheckpointer checkpointer;

    JdbcMetadataStore(Database db, SqlDialect dialect, Clock clock) {
        this.db = db;
        this.dialect = dialect;
        SchemaMigrations migrations = new SchemaMigrations(dialect, clock);
        SchemaMigrations.Result[] migrated = new SchemaMigrations.Result[1];
        underStartupLock(() -> migrated[0] = migrations.migrate(db));
        this.schemaVersion = migrated[0].to();
        this.startedEmpty = migrated[0].from() == 0;
        ChangeNotices notices = dialect == SqlDialect.POSTGRES ? ChangeNotices.postgres(db) : ChangeNotices.NONE;
        this.buckets = new JdbcBucketCatalog(db, notices);
        this.accessKeys = new JdbcAccessKeyCatalog(db, notices);
        this.channels = new JdbcChannelCatalog(db);
        this.history = new JdbcPushHistory(db);
        this.segments = new JdbcSegmentIndex(db, dialect);
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
            JdbcMetadataStore store = new JdbcMetadataStore(new SerializedConnection(connection), SqlDialect.SQLITE,
                    Clock.systemUTC());
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

    /**
     * Opens the PostgreSQL catalog at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/database}), migrating its
     * schema. {@code user} and {@code password} may be null when the URL carries them.
     *
     * @throws io.livechannel.storage.catalog.CatalogUnavailableException the database cannot be reached; the
     *     message names the URL without its password
     */
    public static JdbcMetadataStore openPostgres(String jdbcUrl, String user, String password) {
        return openPostgres(jdbcUrl, user, password, Waits.DEFAULT);
    }

    /** {@link #openPostgres(String, String, String)} with other {@link Waits} than the server's. */
    public static JdbcMetadataStore openPostgres(String jdbcUrl, String user, String password, Waits waits) {
        HikariDataSource pool = new HikariDataSource(poolConfig(jdbcUrl, user, password, waits.poolWaitMillis()));
        try {
            awaitFirstConnection(new PooledDatabase(pool), waits.startBudget());
            JdbcMetadataStore store = new JdbcMetadataStore(new PooledDatabase(pool), SqlDialect.POSTGRES,
                    Clock.systemUTC());
            store.login = new PostgresLogin(jdbcUrl, user, password);
            log.info("catalog opened: PostgreSQL {} (schema version {})", redacted(jdbcUrl), store.schemaVersion);
            return store;
        } catch (CatalogUnavailableException e) {
            pool.close();
            throw new CatalogUnavailableException("cannot reach the PostgreSQL catalog " + redacted(jdbcUrl) + ": "
                    + rootCause(e).getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Waits up to {@link #START_BUDGET} for the database to answer while it is unreachable, then lets the failure
     * through. A node starting cold beside others can take longer than one call's {@value #POOL_WAIT_MILLIS} ms wait
     * for its first connection (a cold JVM's first SCRAM login takes seconds on a loaded machine), and a database
     * started together with the nodes comes up a little later; a wrong password or database fails at once.
     */
    private static void awaitFirstConnection(Database db, java.time.Duration startBudget) {
        long deadline = System.nanoTime() + startBudget.toNanos();
        while (true) {
            try {
                db.withConnection("connect to the catalog", connection -> connection.isValid(1));
                return;
            } catch (CatalogUnavailableException e) {
                if (System.nanoTime() - deadline >= 0 || refusedLogin(e)) {
                    throw e;
                }
                log.info("catalog not reachable yet ({}), retrying until {} ms after start",
                        rootCause(e).getMessage(), startBudget.toMillis());
            }
        }
    }

    /** The database answered and refused this login: a wrong password (SQLState class 28) or no such database. */
    private static boolean refusedLogin(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("28") || sql.getSQLState().equals("3D000"))) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static HikariConfig poolConfig(String jdbcUrl, String user, String password, long poolWaitMillis) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redacted(jdbcUrl));
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("catalog");
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(MAX_POOL_CONNECTIONS);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(poolWaitMillis);
        // No connection in the constructor: the first call (the migration) reports an unreachable database, as a
        // CatalogUnavailableException like any later call, rather than the pool logging a stack trace.
        config.setInitializationFailTimeout(-1);
        config.setValidationTimeout(Math.min(1000, poolWaitMillis - 1));
        config.addDataSourceProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        config.addDataSourceProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "livechannel");
        return config;
    }

    /** {@code url} without the value of a {@code password} parameter, for messages and logs. */
    public static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /**
     * Runs {@code work} holding the catalog's startup lock: on PostgreSQL a session advisory lock, which other nodes
     * opening the same database wait for (their migrations, their bootstrap); on SQLite it simply runs, one process
     * owning the file. For start-up work only: it holds a pooled connection throughout.
     */
    public void underStartupLock(Runnable work) {
        if (dialect != SqlDialect.POSTGRES) {
            work.run();
            return;
        }
        db.withConnection("take the catalog startup lock", connection -> {
            advisoryLock(connection, "pg_advisory_lock");
            try {
                work.run();
            } finally {
                advisoryLock(connection, "pg_advisory_unlock");
            }
            return null;
        });
    }

    private static void advisoryLock(Connection connection, String function) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, STARTUP_LOCK);
            statement.execute();
        }
    }

    /** True when this open created the schema: the database had none. */
    public boolean startedEmpty() {
        return startedEmpty;
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

    /** Where a connection outside the pool logs in. */
    private record PostgresLogin(String url, String user, String password) {
    }

    /**
     * PostgreSQL: starts a {@link PostgresChangeFeed} for {@code listener} (a connection and thread of its own,
     * closed with this store). SQLite: false, there are no other writers.
     */
    @Override
    public boolean subscribe(CatalogChangeListener listener) {
        if (login == null) {
            return false;
        }
        feeds.add(PostgresChangeFeed.start(login.url(), login.user(), login.password(), listener));
        return true;
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
        feeds.forEach(PostgresChangeFeed::close);
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
