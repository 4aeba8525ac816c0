package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kept prepared statements of {@link SerializedConnection}, on a real SQLite file. */
class SerializedConnectionTest {
    private static final String INSERT = "INSERT INTO t (id, x) VALUES (?, ?)";
    private static final String SELECT = "SELECT x FROM t WHERE id >= ? ORDER BY id";

    @TempDir
    Path dir;
    private SerializedConnection db;

    @BeforeEach
    void open() throws Exception {
        db = new SerializedConnection(DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db")));
        db.withConnection("create", c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER NOT NULL CHECK (x > 0))");
            }
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    private int insert(int id, int x) {
        return db.update("insert", INSERT, s -> {
            s.setInt(1, id);
            s.setInt(2, x);
        });
    }

    @Test
    void aKeptStatementRunsAgainWithNewParametersAndAfterItFailed() {
        assertThat(insert(1, 10)).isEqualTo(1);
        assertThat(insert(2, 20)).isEqualTo(1);
        assertThatThrownBy(() -> insert(3, -1)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("insert failed: ");
        assertThatThrownBy(() -> insert(2, 5)).as("the same id again").isInstanceOf(CatalogException.class);
        assertThat(insert(3, 30)).isEqualTo(1);

        assertThat(db.queryList("select", SELECT, s -> s.setInt(1, 2), r -> r.getInt(1))).containsExactly(20, 30);
        assertThat(db.queryList("select", SELECT, s -> s.setInt(1, 1), r -> r.getInt(1))).containsExactly(10, 20, 30);
        assertThat(db.keptStatements()).isEqualTo(2);
    }

    @Test
    void moreDistinctStatementsThanKeptStillRunAndAtMostTheLimitStaysOpen() {
        insert(1, 10);
        for (int i = 0; i < SerializedConnection.MAX_KEPT_STATEMENTS * 2; i++) {
            String sql = "SELECT x + " + i + " FROM t WHERE id = ?";
            assertThat(db.queryOne("select " + i, sql, s -> s.setInt(1, 1), r -> r.getInt(1))).contains(10 + i);
        }
        assertThat(db.keptStatements()).isEqualTo(SerializedConnection.MAX_KEPT_STATEMENTS);
        assertThat(insert(2, 20)).isEqualTo(1); // evicted long ago: prepared again
    }

    @Test
    void aStatementKeptAcrossATransactionThatRolledBackStillWorks() {
        insert(1, 10);
        assertThatThrownBy(() -> db.inTransaction("both", () -> {
            insert(2, 20);
            return insert(3, -1);
        })).isInstanceOf(CatalogException.class);
        assertThat(db.queryList("select", SELECT, s -> s.setInt(1, 0), r -> r.getInt(1))).containsExactly(10);
        db.inTransaction("both", () -> insert(2, 20) + insert(3, 30));
        assertThat(db.queryList("select", SELECT, s -> s.setInt(1, 0), r -> r.getInt(1))).containsExactly(10, 20, 30);
    }
}
