package io.livechannel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStat;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.storage.s3.S3ProxyServer;
import io.livechannel.storage.testing.PostgresFixture;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two nodes of a cluster in one JVM (two {@link Wiring}s on their own ports) sharing one PostgreSQL catalog and one
 * S3 store (S3Proxy), driven by the official SDK and real ffmpeg publishers: one publisher per channel across
 * nodes, the cross-node kick of PutLiveChannelStatus, and GetLiveChannelStat on the node without the publisher.
 * The kick's latency is logged ("cross-node kick: ...").
 */
class ClusterNodesTest {
    private static final Logger log = LoggerFactory.getLogger(ClusterNodesTest.class);
    private static final String KEY_ID = "cluster-key";
    private static final String KEY_SECRET = "cluster-secret-not-for-logs";
    private static final String BUCKET = "live";
    private static final String CHANNEL = "cam1";
    /** The cross-node kick's bound (issue 24: within 2 s of PutLiveChannelStatus on another node). */
    private static final Duration KICK_BOUND = Duration.ofSeconds(2);

    private static PostgresFixture pg;
    private static S3ProxyServer s3;

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startBackends() throws Exception {
        pg = PostgresFixture.start();
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stopBackends() throws Exception {
        s3.close();
        pg.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private ServerConfig node(String id, String catalogUrl) {
        ServerConfig.S3Settings store = new ServerConfig.S3Settings(s3.endpoint().toString(), "us-east-1",
                S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, true);
        return new ServerConfig(dir.resolve(id), ServerConfig.Network.anyPorts("127.0.0.1", "localhost"),
                new ServerConfig.Bootstrap(KEY_ID, KEY_SECRET, BUCKET, "private"),
                new ServerConfig.Store(store, FsyncPolicy.DEFAULT, DirectIo.DEFAULT), ServerConfig.Ingest.DEFAULTS,
                ServerConfig.METRICS_OFF,
                new ServerConfig.Catalog(catalogUrl, pg.user(), pg.password(), id, false));
    }

    private Wiring start(ServerConfig config) throws Exception {
        Wiring wiring = Wiring.start(config, new SecureRandom());
        opened.add(wiring);
        return wiring;
    }

    private OSS client(Wiring node) {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setConnectionTimeout(5_000);
        configuration.setSocketTimeout(20_000);
        OSS oss = OSSClientBuilder.create().endpoint("http://127.0.0.1:" + node.httpPort())
                .credentialsProvider(new DefaultCredentialProvider(KEY_ID, KEY_SECRET))
                .clientConfiguration(configuration).build();
        opened.add(oss::shutdown);
        return oss;
    }

    private Process push(OSS through, String name) throws Exception {
        String url = through.generateRtmpUri(BUCKET, CHANNEL, "playlist.m3u8",
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                "-t", "120", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-ar", "44100", "-f", "flv", url)
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        opened.add(() -> {
            ffmpeg.destroyForcibly();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
        });
        return ffmpeg;
    }

    @Test
    void aSecondPublisherOnTheOtherNodeIsRefusedItsStatIsTheOwnersAndDisablingThereKicksTheOwnersPublisher()
            throws Exception {
        String url = pg.createDatabase("two_nodes");
        Wiring nodeA = start(node("node-a", url));
        Wiring nodeB = start(node("node-b", url));
        OSS ossA = client(nodeA);
        OSS ossB = client(nodeB);
        ossA.createLiveChannel(new CreateLiveChannelRequest(BUCKET, CHANNEL, "", LiveChannelStatus.Enabled,
                new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));

        Process publisherA = push(ossA, "publisher-a");
        await("Live with figures on node A", () -> ossA.getLiveChannelStat(BUCKET, CHANNEL),
                ClusterNodesTest::liveWithFigures);

        Process publisherB = push(ossB, "publisher-b");
        assertThat(publisherB.waitFor(30, TimeUnit.SECONDS)).as("the second publisher is refused and ends").isTrue();
        assertThat(publisherB.exitValue()).as("ffmpeg's exit code").isNotZero();
        assertThat(publisherA.isAlive()).isTrue();
        assertThat(ossA.getLiveChannelStat(BUCKET, CHANNEL).getPushflowStatus()).isEqualTo(PushflowStatus.Live);

        LiveChannelStat onB = await("Live with node A's figures on node B",
                () -> ossB.getLiveChannelStat(BUCKET, CHANNEL), ClusterNodesTest::liveWithFigures);
        LiveChannelStat onA = ossA.getLiveChannelStat(BUCKET, CHANNEL);
        assertThat(onB.getVideoStat()).usingRecursiveComparison().ignoringFields("bandWidth")
                .isEqualTo(onA.getVideoStat());
        assertThat(onB.getAudioStat()).usingRecursiveComparison().ignoringFields("bandWidth")
                .isEqualTo(onA.getAudioStat());
        assertThat(onB.getVideoStat().getWidth()).isEqualTo(320);
        assertThat(onB.getRemoteAddress()).isEqualTo(onA.getRemoteAddress());

        long disabled = System.nanoTime();
        ossB.setLiveChannelStatus(BUCKET, CHANNEL, LiveChannelStatus.Disabled);
        assertThat(publisherA.waitFor(KICK_BOUND.toMillis() + 5_000, TimeUnit.MILLISECONDS))
                .as("node A's publisher kicked").isTrue();
        long kickMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - disabled);
        log.info("cross-node kick: node A's publisher ended {} ms after PutLiveChannelStatus disabled on node B",
                kickMillis);
        assertThat(kickMillis).as("kick latency, ms").isLessThan(KICK_BOUND.toMillis());

        // enabled again, the channel takes node B's publisher once node A released it: what refused B was A's lease
        ossA.setLiveChannelStatus(BUCKET, CHANNEL, LiveChannelStatus.Enabled);
        try (MetadataStore catalog = JdbcMetadataStore.openPostgres(url, pg.user(), pg.password())) {
            // A releases the lease once the kicked publish's writes are stored, which takes a while on a busy machine
            await("node A's lease released", () -> catalog.leases().find(BUCKET, CHANNEL).orElseThrow().owner(),
                    owner -> owner == null);
        }
        Process publisherB2 = push(ossB, "publisher-b2");
        await("Live on node A, from node B's lease", () -> ossA.getLiveChannelStat(BUCKET, CHANNEL),
                s -> liveWithFigures(s) || !publisherB2.isAlive());
        assertThat(publisherB2.isAlive()).as("node B's publisher admitted").isTrue();
    }

    private static boolean liveWithFigures(LiveChannelStat s) {
        return s.getPushflowStatus() == PushflowStatus.Live && s.getVideoStat() != null && s.getAudioStat() != null
                && s.getVideoStat().getBandWidth() > 0 && s.getAudioStat().getBandWidth() > 0
                && s.getVideoStat().getFrameRate() > 0;
    }

    /** Polls {@code read} every 50 ms until {@code done} holds, for at most 30 s. */
    private static <T> T await(String what, Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T value = read.get();
        while (!done.test(value)) {
            assertThat(System.nanoTime()).as("%s within 30 s; last: %s", what, value).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            value = read.get();
        }
        return value;
    }
}
