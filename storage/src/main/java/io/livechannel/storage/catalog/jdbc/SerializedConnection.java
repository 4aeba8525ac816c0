package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JDBC connection used by one thread at a time: every call takes a (reentrant) lock, so writes are serialised,
 * which is what SQLite wants.
 *
 * <p>Prepared statements are kept per SQL text (at most {@value #MAX_KEPT_STATEMENTS}, least recently used closed
 * first) and reused, rather than compiled again on every call (for SQLite a parse and a query plan: about 10 % of
 * the CPU of indexing a segment and saving its playlist counters, {@code CatalogWriteBenchmark}). Every caller
 * passes constant SQL, so the set is small. A statement whose execution failed is closed rather than kept. So a
 * {@link RowReader} must not run the statement it is reading the rows of (none does).
 */
final class SerializedConnection implements Database {
    /** Prepared statements kept; the catalog has fewer distinct statements than this. */
    static final int MAX_KEPT_STATEMENTS = 64;

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    /** SQL text to its prepared statement, in access order; guarded by {@link #lock}. */
    private final Map<String, PreparedStatement> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX_KEPT_STATEMENTS) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    SerializedConnection(Connection connection) {
        this.connection = connection;
    }

    @Override
    public <T> List<T> queryList(String what, String sql, Binder binder, RowReader<T> reader) {
        return call(what, () -> withStatement(sql, statement -> Database.queryRows(statement, binder, reader)));
    }

    @Override
    public int update(String what, String sql, Binder binder) {
        return call(what, () -> withStatement(sql, statement -> {
            binder.bind(statement);
            return statement.executeUpdate();
        }));
    }

    @Override
    public <T> T inTransaction(String what, Work<T> work) {
        return call(what, () -> {
            if (!connection.getAutoCommit()) {
                return work.run(); // already inside a transaction of this thread
            }
            connection.setAutoCommit(false);
            try {
                return Database.commitOrRollback(connection, work);
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    /** Runs {@code use} with the kept statement for {@code sql} (prepared now if none is); call under the lock. */
    private <T> T withStatement(String sql, StatementWork<T> use) throws SQLException {
        PreparedStatement statement = kept.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            kept.put(sql, statement);
        }
        boolean done = false;
        try {
            statement.clearParameters();
            T result = use.run(statement);
            done = true;
            return result;
        } finally {
            if (!done) { // whatever state the failure left it in, the next call prepares afresh
                kept.remove(sql);
                closeQuietly(statement);
            }
        }
    }

    /** Work with one prepared statement. */
    private interface StatementWork<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    /** How many prepared statements are kept; for tests. */
    int keptStatements() {
        lock.lock();
        try {
            return kept.size();
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // nothing to do: the statement is dropped either way, and closing the connection finalises the rest
        }
    }

    private <T> T call(String what, Work<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw Database.failure(what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} with the one connection, under the lock. */
    @Override
    public <T> T withConnection(String what, ConnectionWork<T> work) {
        return call(what, () -> work.run(connection));
    }

    @Override
    public void close() {
        lock.lock();
        try {
            kept.values().forEach(SerializedConnection::closeQuietly);
            kept.clear();
            connection.close();
        } catch (SQLException e) {
            throw new CatalogException("closing the catalog connection failed", e);
        } finally {
            lock.unlock();
        }
    }
}
