package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a database to the newest schema: migrations are the resources {@code <dialect>/V1.sql}, {@code V2.sql},
 * ... (numbered without gaps; statements end with {@code ;} at the end of a line; {@code --} comment lines are
 * skipped). Each one runs in a transaction together with its row in {@code schema_version}, so a crash leaves the
 * database at a version boundary. A database newer than this code is refused rather than used.
 */
final class SchemaMigrations {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    private final SqlDialect dialect;
    private final Clock clock;

    SchemaMigrations(SqlDialect dialect, Clock clock) {
        this.dialect = dialect;
        this.clock = clock;
    }

    /** The schema versions before and after a migration. */
    record Result(int from, int to) {
    }

    Result migrate(Database db) {
        List<String> scripts = loadScripts();
        return db.withConnection("schema migration", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER NOT NULL PRIMARY KEY, applied_millis BIGINT NOT NULL)");
            }
            int current = currentVersion(connection);
            if (current > scripts.size()) {
                throw new CatalogException("catalog schema version " + current + " is newer than this server's "
                        + scripts.size() + "; refusing to use it");
            }
            for (int version = current + 1; version <= scripts.size(); version++) {
                apply(connection, version, scripts.get(version - 1));
            }
            return new Result(current, scripts.size());
        });
    }

    private static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            row.next();
            return row.getInt(1);
        }
    }

    private void apply(Connection connection, int version, String script) throws SQLException {
        connection.setAutoCommit(false);
        boolean committed = false;
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(script)) {
                statement.execute(sql);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO schema_version (version, applied_millis) VALUES (?, ?)")) {
                insert.setInt(1, version);
                insert.setLong(2, clock.millis());
                insert.executeUpdate();
            }
            connection.commit();
            committed = true;
            log.info("catalog schema migrated to version {} ({})", version, dialect);
        } finally {
            if (!committed) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        }
    }

    private List<String> loadScripts() {
        List<String> scripts = new ArrayList<>();
        for (int version = 1; ; version++) {
            String name = dialect.migrationDirectory() + "/V" + version + ".sql";
            try (InputStream in = SchemaMigrations.class.getResourceAsStream(name)) {
                if (in == null) {
                    return scripts;
                }
                scripts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration " + name, e);
            }
        }
    }

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration ends without ';': " + current);
        }
        return statements;
    }
}
