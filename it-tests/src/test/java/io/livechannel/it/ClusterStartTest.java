package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.model.Bucket;
import io.livechannel.it.support.Cluster;
import io.livechannel.it.support.Cluster.Node;
import io.livechannel.it.support.RunDirectory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Issue 24: three nodes started at the same moment on an empty PostgreSQL database (migrations and the bucket/key
 * bootstrap under the catalog's startup lock) all come up and share one catalog. An unreachable database at start
 * is {@code PostgresCatalogTest}'s.
 */
// Alone: its three JVMs start at once, each within RunningServer's start timeout and without the retries the other
// cluster classes allow; that burst of CPU does not fit two cores beside another class's servers and ffmpeg.
@Isolated
class ClusterStartTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    @Test
    void threeNodesStartedTogetherOnAnEmptyDatabaseShareOneCatalog() throws Exception {
        try (Cluster cluster = Cluster.start(run.testDir(), 3, true)) {
            for (Node node : cluster.nodes()) {
                assertThat(node.isRunning()).as("%s running", node).isTrue();
                assertThat(node.oss().listBuckets()).as("buckets listed by %s", node).extracting(Bucket::getName)
                        .containsExactly(Cluster.BUCKET);
            }
            assertThat(count(cluster, "SELECT count(*) FROM bucket")).as("buckets in the catalog").isEqualTo(1);
            assertThat(count(cluster, "SELECT count(*) FROM access_key")).as("access keys").isEqualTo(1);
            assertThat(count(cluster, "SELECT count(*) FROM schema_version")).as("each migration recorded once")
                    .isEqualTo(count(cluster, "SELECT count(DISTINCT version) FROM schema_version"));
            assertThat(cluster.serverLogLines(" ERROR ")).as("errors logged while starting together").isEmpty();
        }
    }

    private static long count(Cluster cluster, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(cluster.catalogUrl(), cluster.database().user(),
                cluster.database().password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
