package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.LiveChannelStat;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.it.support.AccessKey;
import io.livechannel.it.support.Cluster;
import io.livechannel.it.support.Cluster.Node;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Latencies;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.OssClients;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24, items 2 and 5, and the catalog going away, on a three-node cluster: one publisher per channel
 * cluster-wide (a silent one is replaced from another node); PutLiveChannelStatus {@code disabled} on any node kicks
 * the publisher on its node within 2 s, and every node reports it Live with the owner's figures; with PostgreSQL
 * stopped, publishing goes on within the lease, the API answers 503 ServiceUnavailable, and everything resumes
 * with no segment a player was shown lost. One cluster for the class, one channel per test.
 */
class ClusterPublishTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Cluster.BUCKET;
    private static final Duration ADMISSION = Duration.ofSeconds(20);
    /** RtmpLimits' idle-publisher timeout: a publisher silent this long is replaced by a new one. */
    private static final Duration IDLE_PUBLISHER = Duration.ofSeconds(5);
    /** The lease heartbeat: how stale the silence figure in the lease row may be. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** Issue 24 item 5. */
    private static final Duration KICK_LIMIT = Duration.ofSeconds(2);
    /** Longer than the lease TTL (5 s): the owner cannot renew and must stop at its local deadline. */
    private static final Duration DATABASE_OUTAGE = Duration.ofSeconds(8);
    private static final int STAT_CALLS = 200;

    private static Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = Cluster.start(run.classDir(), 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try (Cluster c = cluster) {
            assertThat(c.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the nodes").isEmpty();
            assertThat(c.failedStarts()).as("node starts that failed (each was tried again)").isEmpty();
        }
    }

    @Test
    void oneChannelHasOnePublisherClusterWideAndASilentOneIsReplacedFromAnotherNode() throws Exception {
        String channel = "one-publisher";
        Node a = cluster.node(0);
        Node b = cluster.node(1);
        a.createChannel(channel);
        try (Push first = Ffmpeg.push(a.pushUrl(channel), Duration.ofSeconds(90), run.testDir())) {
            first.awaitAdmitted(ADMISSION);
            for (Node other : List.of(b, cluster.node(2))) {
                try (Push second = Ffmpeg.push(other.pushUrl(channel), Duration.ofSeconds(30), run.testDir())) {
                    second.awaitRefused(ADMISSION);
                }
            }
            assertThat(first.isAlive()).as("the first publisher goes on; log:\n%s", first.log()).isTrue();

            first.freeze();
            long silentFrom = System.nanoTime();
            try (Push replacement = b.publishWhenAdmitted(channel, Duration.ofSeconds(30),
                    IDLE_PUBLISHER.plus(Duration.ofSeconds(10)), run.testDir())) {
                Duration silence = Duration.ofNanos(System.nanoTime() - silentFrom);
                run.record("silent publisher on node-a replaced from node-b after " + silence.toMillis() + " ms");
                assertThat(silence).as("replaced only once silent for the idle timeout")
                        .isGreaterThanOrEqualTo(IDLE_PUBLISHER.minus(HEARTBEAT));
                first.thaw();
                assertThat(first.awaitExit(Duration.ofSeconds(10))).as("the replaced publisher is disconnected")
                        .isNotZero();
                assertThat(replacement.isAlive()).as("the replacement goes on; log:\n%s", replacement.log())
                        .isTrue();
                assertThat(cluster.node(2).oss().getLiveChannelStat(BUCKET, channel).getPushflowStatus())
                        .isEqualTo(PushflowStatus.Live);
            }
        }
    }

    @Test
    void disablingOnAnyNodeKicksTheOwnersPublisherWithinTwoSecondsAndEveryNodeReportsTheOwnersFigures()
            throws Exception {
        Latencies kicks = new Latencies();
        for (int round = 0; round < 3; round++) {
            Node owner = cluster.node(round);
            Node other = cluster.node((round + 1) % 3);
            Node disabler = cluster.node((round + 2) % 3);
            String channel = "kicked-" + round;
            owner.createChannel(channel);
            try (Push push = Ffmpeg.push(owner.pushUrl(channel), Duration.ofSeconds(60), run.testDir())) {
                push.awaitAdmitted(ADMISSION);
                LiveChannelStat figures = Polling.await("the owner's stat with video and audio figures",
                        Duration.ofSeconds(15), () -> owner.oss().getLiveChannelStat(BUCKET, channel),
                        s -> s.getPushflowStatus() == PushflowStatus.Live && s.getVideoStat() != null
                                && s.getVideoStat().getWidth() > 0 && s.getVideoStat().getFrameRate() > 0
                                && s.getAudioStat() != null
                                && s.getAudioStat().getSampleRate() > 0);
                for (Node node : List.of(other, disabler)) {
                    Polling.await(node + " reporting the owner's figures (" + describe(figures) + ")",
                            HEARTBEAT.multipliedBy(5),
                            () -> describe(node.oss().getLiveChannelStat(BUCKET, channel)),
                            seen -> seen.equals(describe(figures)));
                }
                if (round == 0) {
                    recordStatLatencies(owner, other, channel);
                }
                long disabled = System.nanoTime();
                disabler.oss().setLiveChannelStatus(BUCKET, channel, LiveChannelStatus.Disabled);
                assertThat(push.awaitExit(KICK_LIMIT.multipliedBy(5))).as("ffmpeg's exit code once kicked")
                        .isNotZero();
                Duration kick = Duration.ofNanos(System.nanoTime() - disabled);
                kicks.add(kick);
                assertThat(kick).as("PutLiveChannelStatus disabled on %s to the publisher on %s disconnected",
                        disabler, owner).isLessThanOrEqualTo(KICK_LIMIT);
            }
            for (Node node : cluster.nodes()) {
                assertThat(node.oss().getLiveChannelStat(BUCKET, channel).getPushflowStatus())
                        .as("stat on %s after the kick", node).isEqualTo(PushflowStatus.Disabled);
            }
        }
        run.record("cross-node kick (PutLiveChannelStatus disabled to ffmpeg disconnected): " + kicks.summary());
    }

    /** GetLiveChannelStat's latency on the owner and on a node that reads the lease row. */
    private void recordStatLatencies(Node owner, Node other, String channel) throws Exception {
        for (Node node : List.of(owner, other)) {
            Latencies latencies = new Latencies();
            for (int i = 0; i < STAT_CALLS; i++) {
                long start = System.nanoTime();
                node.oss().getLiveChannelStat(BUCKET, channel);
                latencies.add(Duration.ofNanos(System.nanoTime() - start));
            }
            run.record("GetLiveChannelStat while live on " + (node == owner ? "the owner " : "a non-owner ")
                    + node + " (SDK, sequential): " + latencies.summary());
        }
    }

    @Test
    void withTheDatabaseDownPublishingAndPlaybackGoOnWithinTheLeaseTheApiAnswers503AndEverythingResumes() throws Exception {
        String channel = "database-outage";
        Node owner = cluster.node(0);
        Node player = cluster.node(2);
        owner.createChannel(channel);
        Instant started = Instant.now();
        try (PlaylistRecorder stored = PlaylistRecorder.start(() -> cluster.storedPlaylist(channel));
             PlaylistRecorder watched = PlaylistRecorder.startWarm(() -> player.playlist(channel));
             Push push = Ffmpeg.push(owner.pushUrl(channel), Duration.ofSeconds(60), run.testDir())) {
            push.awaitAdmitted(ADMISSION);
            stored.awaitSegments(2, Duration.ofSeconds(30));
            long newestBefore = stored.versions().get(stored.versions().size() - 1).last().sequence();
            cluster.database().stopServer();
            long stoppedAt = System.nanoTime();
            try {
                for (Node node : cluster.nodes()) {
                    assertServiceUnavailable(node);
                }
                stored.await("a segment stored while the database is down", Duration.ofSeconds(4),
                        p -> p.last().sequence() > newestBefore);
                // its first read waits out one pool timeout (3 s) before answering from what the node read last
                watched.await("a player on a non-owner node shown a segment stored while the database is down",
                        Duration.ofSeconds(8), p -> p.last().sequence() > newestBefore);
                Polling.await("the outage to last " + DATABASE_OUTAGE, DATABASE_OUTAGE.multipliedBy(2),
                        () -> Duration.ofNanos(System.nanoTime() - stoppedAt),
                        lasted -> lasted.compareTo(DATABASE_OUTAGE) >= 0);
            } finally {
                cluster.database().startServer();
            }
            run.record("publisher after a " + DATABASE_OUTAGE.toSeconds() + " s database outage: "
                    + (push.isAlive() ? "still connected" : "disconnected"));
            for (Node node : cluster.nodes()) {
                Polling.awaitTolerating(node + " answering ListLiveChannel again", Duration.ofSeconds(20),
                        () -> node.oss().listLiveChannels(BUCKET).size(), n -> n >= 1);
            }
            push.close();
            try (Push again = cluster.node(1).publishWhenAdmitted(channel, Duration.ofSeconds(4),
                    Duration.ofSeconds(20), run.testDir())) {
                assertThat(again.awaitExit(Duration.ofSeconds(30))).as("push after the outage; log:\n%s",
                        again.log()).isZero();
            }
            stored.await("#EXT-X-ENDLIST after the outage", Duration.ofSeconds(20), MediaPlaylist::hasEndList);
            assertNothingShownWasLost(channel, started, watched, stored);
        }
    }

    /** Every segment a player was shown (through a node or in S3) is stored and in the VoD of the whole range. */
    private void assertNothingShownWasLost(String channel, Instant started, PlaylistRecorder... players)
            throws Exception {
        Set<String> shown = new TreeSet<>();
        for (PlaylistRecorder player : players) {
            for (MediaPlaylist version : player.versions()) {
                shown.addAll(version.uris());
            }
        }
        OSS oss = cluster.node(1).oss();
        long to = Instant.now().getEpochSecond() + 1;
        oss.generateVodPlaylist(BUCKET, channel, "whole.m3u8", started.getEpochSecond() - 1, to);
        MediaPlaylist vod = cluster.node(2).client().playlist(BUCKET, channel + "/whole.m3u8").orElseThrow();
        List<String> stored = cluster.s3().objectKeys(BUCKET, channel + "/");
        List<String> missing = new ArrayList<>();
        for (String uri : shown) {
            if (!stored.contains(channel + "/" + uri) || !vod.uris().contains(uri)) {
                missing.add(uri);
            }
        }
        assertThat(missing).as("segments shown to players but not stored or not in the VoD %s", vod).isEmpty();
        Ffmpeg.DecodeResult decoded = Ffmpeg.decode(cluster.node(0).client().objectUrl(BUCKET,
                channel + "/whole.m3u8"), Optional.empty(), Duration.ofSeconds(60), run.testDir());
        assertThat(decoded.exitCode()).as("ffmpeg playing the VoD: %s", decoded.errorLines()).isZero();
    }

    private static void assertServiceUnavailable(Node node) {
        OSS noRetry = OssClients.v1WithoutRetries(node.client().endpoint(), AccessKey.SERVER);
        try {
            OSSException refused = catchThrowableOfType(OSSException.class, () -> noRetry.listLiveChannels(BUCKET));
            assertThat(refused).as("ListLiveChannel on %s with the database down", node).isNotNull();
            assertThat(refused.getErrorCode()).as("%s", refused.getErrorMessage()).isEqualTo("ServiceUnavailable");
            assertThat(refused.getRequestId()).isNotBlank();
        } finally {
            noRetry.shutdown();
        }
    }

    private static String describe(LiveChannelStat stat) {
        return stat.getPushflowStatus() + " from " + stat.getRemoteAddress() + " since "
                + (stat.getConnectedDate() == null ? null : stat.getConnectedDate().toInstant())
                + " video " + describe(stat.getVideoStat()) + " audio " + describe(stat.getAudioStat());
    }

    // A node reading the lease row may report Live before the owner's first heartbeat with the figures: that is
    // "not yet" for a wait, not a failure.
    private static String describe(LiveChannelStat.VideoStat video) {
        return video == null ? "none"
                : video.getWidth() + "x" + video.getHeight() + "@" + video.getFrameRate() + " " + video.getCodec();
    }

    private static String describe(LiveChannelStat.AudioStat audio) {
        return audio == null ? "none" : audio.getSampleRate() + " " + audio.getCodec();
    }


}
