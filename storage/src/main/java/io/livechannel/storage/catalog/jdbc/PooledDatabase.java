package io.livechannel.storage.catalog.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.livechannel.storage.catalog.CatalogException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A pool of connections (HikariCP): each call borrows one for itself, except inside {@link #inTransaction}, whose
 * connection is bound to the calling thread until the transaction ends, so nested calls join it. The driver keeps
 * prepared statements per connection itself (pgjdbc's server-side statements), so none are kept here.
 */
final class PooledDatabase implements Database {
    private final HikariDataSource pool;
    /** The connection of the transaction the current thread is in, if any. */
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();

    PooledDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public <T> List<T> queryList(String what, String sql, Binder binder, RowReader<T> reader) {
        return withConnection(what, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                return Database.queryRows(statement, binder, reader);
            }
        });
    }

    @Override
    public int update(String what, String sql, Binder binder) {
        return withConnection(what, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public <T> T inTransaction(String what, Work<T> work) {
        if (transaction.get() != null) {
            return run(what, work);
        }
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            transaction.set(connection);
            try {
                return Database.commitOrRollback(connection, work);
            } finally {
                transaction.remove(); // the pool restores auto-commit when the connection comes back
            }
        } catch (SQLException e) {
            throw Database.failure(what, e);
        }
    }

    /** Runs {@code work} on the current transaction's connection, or on one borrowed for it. */
    @Override
    public <T> T withConnection(String what, ConnectionWork<T> work) {
        Connection current = transaction.get();
        if (current != null) {
            return run(what, () -> work.run(current));
        }
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw Database.failure(what, e);
        }
    }

    private static <T> T run(String what, Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw Database.failure(what, e);
        }
    }

    /** A rollback on a broken connection fails too; the pool then discards the connection, ending the transaction. */
    @Override
    public void close() {
        try {
            pool.close();
        } catch (RuntimeException e) {
            throw new CatalogException("closing the catalog pool failed", e);
        }
    }
}
