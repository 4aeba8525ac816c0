package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.CatalogUnavailableException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the catalog classes run SQL, whatever holds the connections: {@link SerializedConnection} (SQLite, one
 * connection, one call at a time) or {@link PooledDatabase} (PostgreSQL, a pool). {@link SQLException}s become
 * {@link CatalogException}s naming the operation (never the bound values, which may hold secrets); those that mean
 * the database cannot be reached become {@link CatalogUnavailableException}s.
 */
interface Database extends AutoCloseable {
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

    /** Work that needs the connection itself. */
    interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    Binder NO_PARAMETERS = statement -> { };

    <T> List<T> queryList(String what, String sql, Binder binder, RowReader<T> reader);

    default <T> Optional<T> queryOne(String what, String sql, Binder binder, RowReader<T> reader) {
        List<T> rows = queryList(what, sql, binder, reader);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String what, String sql, Binder binder);

    /** Runs {@code work} in one transaction; nested calls on the same thread join the outer transaction. */
    <T> T inTransaction(String what, Work<T> work);

    /** Runs {@code work} with a connection of its own, in auto-commit mode (migrations, pragmas, locks). */
    <T> T withConnection(String what, ConnectionWork<T> work);

    @Override
    void close();

    /** Binds {@code statement}, runs its query and reads every row. */
    static <T> List<T> queryRows(PreparedStatement statement, Binder binder, RowReader<T> reader)
            throws SQLException {
        binder.bind(statement);
        try (ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(reader.read(rows));
            }
            return result;
        }
    }

    /**
     * Runs {@code work} in the transaction open on {@code connection}: commits when it returns, rolls back when it
     * throws (a failed rollback is dropped, so that the work's own failure is the one seen).
     */
    static <T> T commitOrRollback(Connection connection, Work<T> work) throws SQLException {
        boolean committed = false;
        try {
            T result = work.run();
            connection.commit();
            committed = true;
            return result;
        } finally {
            if (!committed) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    // the work's failure is the one thrown
                }
            }
        }
    }

    /** The exception for {@code what} having failed with {@code e}. */
    static CatalogException failure(String what, SQLException e) {
        String message = what + " failed: " + e.getMessage();
        return unreachable(e) ? new CatalogUnavailableException(message, e) : new CatalogException(message, e);
    }

    /**
     * Connection exceptions (SQLState class 08), operator intervention (57P01..57P03: the server shutting down or
     * starting), and the pool's timeout waiting for a connection; anywhere in the cause chain.
     */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }
}
