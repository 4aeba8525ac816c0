package io.livechannel.storage.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresFixtureTest {

    @Test
    void serves_a_created_database_to_its_user_and_keeps_it_across_a_restart() throws Exception {
        try (PostgresFixture pg = PostgresFixture.start()) {
            String url = pg.createDatabase("fixture_check");
            try (Connection connection = DriverManager.getConnection(url, pg.user(), pg.password());
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (v TEXT)");
                statement.execute("INSERT INTO t VALUES ('kept')");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url, pg.user(), "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

            assertThatThrownBy(() -> pg.createDatabase("x; DROP DATABASE postgres"))
                    .isInstanceOf(IllegalArgumentException.class);

            pg.stopServer();
            assertThatThrownBy(() -> DriverManager.getConnection(url, pg.user(), pg.password()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Connection");
            pg.startServer();

            try (Connection connection = DriverManager.getConnection(url, pg.user(), pg.password());
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT v FROM t")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("kept");
            }
        }
    }
}
