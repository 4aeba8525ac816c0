package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannel;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import io.livechannel.it.support.AccessKey;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.RunningServer;
import io.livechannel.it.support.StoreBackend;
import io.livechannel.storage.testing.PostgresFixture;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server on a PostgreSQL catalog ({@code --catalog}) and the S3 store, as one node of a cluster runs: the
 * whole journey through the official SDK and ffmpeg, the database going away and coming back while it runs, and
 * a database that cannot be reached at start.
 */
class PostgresCatalogTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final Duration PUSH = Duration.ofSeconds(8);
    private static PostgresFixture pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresFixture.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    private static String[] catalogArgs(String url) {
        return new String[] {"--catalog", url, "--catalog-user", pg.user(), "--catalog-password", pg.password(),
                "--node-id", "node-a"};
    }

    @Test
    void aChannelIsCreatedPushedListedAndPlayedBackWithItsCatalogInPostgres() throws Exception {
        String url = pg.createDatabase("journey");
        try (Deployment deployment = Deployment.start(StoreBackend.S3, run.testDir(), catalogArgs(url))) {
            OSS oss = deployment.oss();
            String channel = "pg-journey";
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, channel, "on postgres",
                    LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
            String pushUrl = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
            Instant pushStarted = Instant.now();
            try (PlaylistRecorder recorder = PlaylistRecorder.start(
                    () -> deployment.playlist(BUCKET, channel + "/playlist.m3u8"));
                    Push push = Ffmpeg.push(pushUrl, PUSH, run.testDir())) {
                assertThat(push.awaitExit(PUSH.plusSeconds(30))).as("ffmpeg; log:\n%s", push.log()).isZero();
                recorder.await("#EXT-X-ENDLIST", Duration.ofSeconds(30), MediaPlaylist::hasEndList);
            }
            Instant pushEnded = Instant.now();

            assertThat(oss.listLiveChannels(BUCKET)).extracting(LiveChannel::getName).contains(channel);
            List<String> stored = deployment.segmentKeys(BUCKET, channel);
            assertThat(stored).isNotEmpty();
            oss.generateVodPlaylist(BUCKET, channel, "vod.m3u8", pushStarted.getEpochSecond() - 1,
                    pushEnded.getEpochSecond() + 1);
            MediaPlaylist vod = deployment.playlist(BUCKET, channel + "/vod.m3u8").orElseThrow();
            assertThat(vod.uris().stream().map(u -> channel + "/" + u).toList()).as("VoD %s", vod)
                    .containsExactlyElementsOf(stored);

            assertThat(count(url, "SELECT count(*) FROM segment WHERE channel = '" + channel + "'"))
                    .as("segments indexed in PostgreSQL").isEqualTo(stored.size());
            assertThat(count(url, "SELECT count(*) FROM push_record WHERE end_millis IS NOT NULL"))
                    .as("the push's history record, ended").isEqualTo(1);
            assertThat(Files.exists(deployment.server().dataDir().resolve("catalog.db")))
                    .as("no SQLite catalog beside a PostgreSQL one").isFalse();
            assertThat(deployment.server().stdout()).anyMatch(l -> l.contains("catalog") && l.contains("node-a")
                    && !l.contains(pg.password()));
        }
    }

    @Test
    void apiCallsAnswerServiceUnavailableWhileTheDatabaseIsDownAndResumeWhenItReturns() throws Exception {
        String url = pg.createDatabase("outage");
        try (Deployment deployment = Deployment.start(StoreBackend.S3, run.testDir(), catalogArgs(url))) {
            OSS noRetry = clientWithoutRetries(deployment.server().httpEndpoint());
            try {
                assertThat(noRetry.listLiveChannels(BUCKET)).isEmpty();
                pg.stopServer();
                try {
                    assertThatThrownBy(() -> noRetry.listLiveChannels(BUCKET))
                            .isInstanceOfSatisfying(OSSException.class, e -> {
                                assertThat(e.getErrorCode()).isEqualTo("ServiceUnavailable");
                                assertThat(e.getRequestId()).isNotBlank();
                            });
                } finally {
                    pg.startServer();
                }
                // 503 until the server's pool has reconnected (its backoff doubles up to 5 s); any other error fails
                Polling.await("the API to answer again", Duration.ofSeconds(20), () -> {
                    try {
                        return noRetry.listLiveChannels(BUCKET);
                    } catch (OSSException e) {
                        assertThat(e.getErrorCode()).isEqualTo("ServiceUnavailable");
                        return null;
                    }
                }, listed -> listed != null);
                noRetry.createLiveChannel(new CreateLiveChannelRequest(BUCKET, "after-outage", "",
                        LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
                assertThat(noRetry.listLiveChannels(BUCKET)).extracting(LiveChannel::getName)
                        .containsExactly("after-outage");
            } finally {
                noRetry.shutdown();
            }
            assertThat(deployment.serverLogLines("LEAK:")).isEmpty();
        }
    }

    @Test
    void anUnreachableDatabaseAtStartIsOneClearLineAndItsOwnExitCodeWithNothingCreated() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/catalog?user=lc&password=hunter2";
        Path dataDir = run.testDir().resolve("unreachable-data");

        RunningServer.Exited exited = RunningServer.runUntilExit(dataDir, "--catalog", url, "--store", "s3",
                "--s3-endpoint", "http://127.0.0.1:1", "--s3-access-key-id", "x", "--s3-secret-access-key", "y",
                "--access-key-id", AccessKey.SERVER.id(), "--access-key-secret", AccessKey.SERVER.secret());

        assertThat(exited.exitCode()).as("stderr %s", exited.stderr()).isEqualTo(3);
        assertThat(exited.stderr()).filteredOn(l -> l.contains("ERROR")).singleElement().satisfies(line -> {
            assertThat(line).contains("cannot reach the PostgreSQL catalog", "127.0.0.1:" + closedPort)
                    .doesNotContain("hunter2");
        });
        assertThat(String.join("\n", exited.stderr())).doesNotContain("hunter2");
        assertThat(Files.exists(dataDir) ? list(dataDir) : List.of()).as("the data dir").isEmpty();
    }

    private static OSS clientWithoutRetries(String endpoint) {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setMaxErrorRetry(0);
        configuration.setSocketTimeout(30_000);
        return OSSClientBuilder.create().endpoint(endpoint)
                .credentialsProvider(new DefaultCredentialProvider(AccessKey.SERVER.id(), AccessKey.SERVER.secret()))
                .clientConfiguration(configuration).build();
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
