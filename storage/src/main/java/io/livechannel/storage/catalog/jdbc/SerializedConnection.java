package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JDBC connection used by one thread at a time: every call takes a (reentrant) lock, so writes are serialised,
 * which is what SQLite wants. Statements are prepared per call. {@link SQLException}s become
 * {@link CatalogException}s naming the operation (never the bound values, which may hold secrets).
 */
final class SerializedConnection implements AutoCloseable {
    /** Binds a statement's parameters. */
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads the current row. */
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Work done inside one transaction. */
    interface Work<T> {
        T run() throws SQLException;
    }

    static final Binder NO_PARAMETERS = statement -> { };

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    SerializedConnection(Connection connection) {
        this.connection = connection;
    }

    <T> List<T> queryList(String what, String sql, Binder binder, RowReader<T> reader) {
        return call(what, () -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet rows = statement.executeQuery()) {
                    List<T> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(reader.read(rows));
                    }
                    return result;
                }
            }
        });
    }

    <T> Optional<T> queryOne(String what, String sql, Binder binder, RowReader<T> reader) {
        List<T> rows = queryList(what, sql, binder, reader);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String what, String sql, Binder binder) {
        return call(what, () -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }

    /** Runs {@code work} in one transaction; nested calls join the outer transaction. */
    <T> T inTransaction(String what, Work<T> work) {
        return call(what, () -> {
            if (!connection.getAutoCommit()) {
                return work.run(); // already inside a transaction of this thread
            }
            connection.setAutoCommit(false);
            boolean committed = false;
            try {
                T result = work.run();
                connection.commit();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    connection.rollback();
                }
                connection.setAutoCommit(true);
            }
        });
    }

    private <T> T call(String what, Work<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new CatalogException(what + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} with the raw connection under the lock (migrations, pragmas). */
    <T> T withConnection(String what, ConnectionWork<T> work) {
        return call(what, () -> work.run(connection));
    }

    /** Work that needs the connection itself. */
    interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new CatalogException("closing the catalog connection failed", e);
        } finally {
            lock.unlock();
        }
    }
}
