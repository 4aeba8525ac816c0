package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.LiveRecord;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.it.support.Cluster;
import io.livechannel.it.support.Cluster.Node;
import io.livechannel.it.support.Concurrently;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Latencies;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24, items 3, 4 and 7 on a three-node cluster: a SIGKILLed owner's channel is admitted on another node
 * within 10 s (goal 6 s; measured over {@link #KILLS} kills); an owner frozen (SIGSTOP) past its lease and resumed
 * never overwrites the new owner's playlist and ends its publish within one FragDuration; a dead owner's channel
 * that nobody republishes is ended by another node (index, history, #EXT-X-ENDLIST) so that its VoD plays.
 */
class ClusterFailoverTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Cluster.BUCKET;
    /**
     * Kills in one run: 2 in the build, so that it stays within its time; {@code -Dcluster.kills=10} for the
     * published median and maximum (docs/cluster.md).
     */
    private static final int KILLS = Integer.getInteger("cluster.kills", 2);
    /** GetLiveChannelHistory's answer holds at most this many records. */
    private static final int HISTORY_LIMIT = 10;
    /** Issue 24 item 3 (the goal is 6 s). */
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(10);
    private static final Duration FRAG_DURATION = Duration.ofSeconds(Cluster.FRAG_DURATION_SECONDS);
    /** Longer than any test pushes. */
    private static final Duration LONG_PUSH = Duration.ofMinutes(10);
    /** Media the owner has ingested before it is killed or frozen: at least one segment stored. */
    private static final Duration BEFORE_FAULT = Duration.ofSeconds(3);

    private static Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = Cluster.start(run.classDir(), 3);
    }

    @BeforeEach
    void everyNodeRuns() throws Exception {
        for (Node node : cluster.nodes()) {
            if (!node.isRunning()) {
                cluster.startRetrying(node);
            }
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try (Cluster c = cluster) {
            assertThat(c.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the nodes").isEmpty();
            assertThat(c.failedStarts()).as("node starts that failed (each was tried again)").isEmpty();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aKilledOwnersChannelIsAdmittedOnAnotherNodeWithinTenSeconds() throws Exception {
        String channel = "failover";
        cluster.node(0).createChannel(channel);
        Instant started = Instant.now();
        Latencies failovers = new Latencies();
        int owner = 0;
        // A killed node starts again while the next owner ingests; the next kill waits until it is back.
        ExecutorService restarter = Executors.newSingleThreadExecutor();
        Future<?> restarted = CompletableFuture.completedFuture(null);
        try (PlaylistRecorder stored = PlaylistRecorder.start(() -> cluster.storedPlaylist(channel))) {
            Push current = cluster.node(owner).publishWhenAdmitted(channel, LONG_PUSH, FAILOVER_LIMIT, run.testDir());
            try {
                for (int kill = 1; kill <= KILLS; kill++) {
                    Push ingesting = current;
                    Polling.await("the owner to ingest " + BEFORE_FAULT, Duration.ofSeconds(20),
                            ingesting::sentMedia, sent -> sent.compareTo(BEFORE_FAULT) >= 0);
                    Concurrently.result(restarted);
                    Node dead = cluster.node(owner);
                    owner = (owner + 1) % 3;
                    dead.kill();
                    long killed = System.nanoTime();
                    current.close();
                    current = cluster.node(owner).publishWhenAdmitted(channel, LONG_PUSH,
                            FAILOVER_LIMIT.multipliedBy(2), run.testDir());
                    Duration failover = Duration.ofNanos(System.nanoTime() - killed);
                    failovers.add(failover);
                    run.record("kill " + kill + ": " + dead + " SIGKILLed, publish admitted on "
                            + cluster.node(owner) + " after " + failover.toMillis() + " ms");
                    restarted = restarter.submit(() -> {
                        cluster.startRetrying(dead);
                        return null;
                    });
                }
            } finally {
                current.close();
            }
            run.record("failover over " + KILLS + " kills (SIGKILL to the next admitted publish, ffmpeg retrying): "
                    + failovers.summary());
            assertThat(failovers.max()).as("the slowest failover of %s", failovers.values())
                    .isLessThanOrEqualTo(FAILOVER_LIMIT);
            stored.await("#EXT-X-ENDLIST after the last publisher", Duration.ofSeconds(20),
                    MediaPlaylist::hasEndList);
            assertMediaSequenceOnlyGoesForward("stored", stored);
            Concurrently.result(restarted);
        } finally {
            restarter.shutdown();
            restarter.awaitTermination(3, TimeUnit.MINUTES); // a failed test's restart ends before the next test's
        }
        OSS oss = cluster.node(1).oss();
        // GetLiveChannelHistory answers the newest 10 push records (OSS's limit): one per publisher, at most 10.
        List<LiveRecord> history = Polling.await("every push record ended", Duration.ofSeconds(20),
                () -> oss.getLiveChannelHistory(BUCKET, channel),
                records -> records.size() == Math.min(KILLS + 1, HISTORY_LIMIT)
                        && records.stream().allMatch(r -> r.getEndDate() != null));
        assertThat(history).as("the newest push records").hasSize(Math.min(KILLS + 1, HISTORY_LIMIT));
        assertVodPlays(channel, started);
        assertThat(cluster.failedStarts()).as("node starts that failed (each was tried again)").isEmpty();
    }

    @Test
    void aFrozenOwnerResumedAfterItsLeaseWasTakenNeverOverwritesTheNewOwnersPlaylist() throws Exception {
        String channel = "fenced";
        Node zombie = cluster.node(0);
        Node successor = cluster.node(1);
        zombie.createChannel(channel);
        List<PlaylistRecorder> players = new ArrayList<>();
        try (PlaylistRecorder stored = PlaylistRecorder.start(() -> cluster.storedPlaylist(channel));
             Push first = Ffmpeg.push(zombie.pushUrl(channel), LONG_PUSH, run.testDir())) {
            for (Node node : cluster.nodes()) {
                players.add(PlaylistRecorder.start(() -> node.playlist(channel)));
            }
            first.awaitAdmitted(Duration.ofSeconds(20));
            Polling.await("the owner to ingest " + BEFORE_FAULT, Duration.ofSeconds(20), first::sentMedia,
                    sent -> sent.compareTo(BEFORE_FAULT) >= 0);
            stored.awaitSegments(1, Duration.ofSeconds(10));
            zombie.freeze();
            long frozen = System.nanoTime();
            Duration zombieEnd;
            try (Push second = successor.publishWhenAdmitted(channel, LONG_PUSH, FAILOVER_LIMIT.multipliedBy(2),
                    run.testDir())) {
                run.record("frozen owner's channel admitted on " + successor + " after "
                        + Duration.ofNanos(System.nanoTime() - frozen).toMillis() + " ms");
                int versionsBefore = stored.versions().size();
                stored.await("two playlists stored by the new owner", Duration.ofSeconds(15),
                        p -> stored.versions().size() >= versionsBefore + 2);
                zombie.thaw();
                long thawed = System.nanoTime();
                first.awaitExit(Duration.ofSeconds(30));
                zombieEnd = Duration.ofNanos(System.nanoTime() - thawed);
                run.record("resumed zombie's publisher disconnected " + zombieEnd.toMillis() + " ms after SIGCONT");
                int versionsAtThaw = stored.versions().size();
                stored.await("three more playlists stored by the new owner", Duration.ofSeconds(20),
                        p -> stored.versions().size() >= versionsAtThaw + 3);
                assertThat(second.isAlive()).as("the new owner's publisher goes on; log:\n%s", second.log())
                        .isTrue();
                MediaPlaylist newest = stored.versions().get(stored.versions().size() - 1);
                Polling.await("the resumed node serving the new owner's playlist", Duration.ofSeconds(2),
                        () -> zombie.playlist(channel), p -> p.isPresent()
                                && p.get().last().sequence() >= newest.last().sequence());
            }
            assertMediaSequenceOnlyGoesForward("stored", stored);
            for (int i = 0; i < players.size(); i++) {
                assertMediaSequenceOnlyGoesForward("served by " + cluster.node(i), players.get(i));
            }
            assertThat(zombieEnd).as("the zombie ends its publish within one FragDuration of resuming")
                    .isLessThanOrEqualTo(FRAG_DURATION);
        } finally {
            for (PlaylistRecorder player : players) {
                player.close();
            }
        }
    }

    @Test
    void aDeadOwnersChannelThatNobodyRepublishesIsEndedByAnotherNode() throws Exception {
        String channel = "leftovers";
        Node owner = cluster.node(1);
        cluster.node(0).createChannel(channel);
        Instant started = Instant.now();
        try (PlaylistRecorder stored = PlaylistRecorder.start(() -> cluster.storedPlaylist(channel))) {
            try (Push push = Ffmpeg.push(owner.pushUrl(channel), LONG_PUSH, run.testDir())) {
                push.awaitAdmitted(Duration.ofSeconds(20));
                stored.awaitSegments(3, Duration.ofSeconds(30));
                owner.kill();
            }
            long killed = System.nanoTime();
            MediaPlaylist lastLive = stored.versions().get(stored.versions().size() - 1);
            MediaPlaylist ended = stored.await("#EXT-X-ENDLIST appended by another node", Duration.ofSeconds(30),
                    MediaPlaylist::hasEndList);
            run.record("dead owner's playlist ended by another node "
                    + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms after the SIGKILL");
            assertThat(ended.uris()).as("the ended playlist keeps what the dead owner stored last")
                    .containsAll(lastLive.uris());
            assertMediaSequenceOnlyGoesForward("stored", stored);
        }
        OSS oss = cluster.node(2).oss();
        List<LiveRecord> history = Polling.await("the push record ended", Duration.ofSeconds(10),
                () -> oss.getLiveChannelHistory(BUCKET, channel),
                records -> records.size() == 1 && records.get(0).getEndDate() != null);
        assertThat(history.get(0).getEndDate()).isAfter(history.get(0).getStartDate());
        assertThat(oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus()).isEqualTo(PushflowStatus.Idle);
        assertVodPlays(channel, started);
    }

    /** The VoD of the whole range lists every segment the stored playlists listed, and ffmpeg plays it. */
    private void assertVodPlays(String channel, Instant started) throws Exception {
        Node node = cluster.node(2);
        node.oss().generateVodPlaylist(BUCKET, channel, "vod.m3u8", started.getEpochSecond() - 1,
                Instant.now().getEpochSecond() + 1);
        MediaPlaylist vod = node.client().playlist(BUCKET, channel + "/vod.m3u8").orElseThrow();
        List<String> stored = cluster.s3().objectKeys(BUCKET, channel + "/").stream()
                .filter(k -> k.endsWith(".ts")).toList();
        assertThat(vod.uris().stream().map(u -> channel + "/" + u).toList()).as("VoD %s", vod)
                .containsExactlyElementsOf(stored);
        Ffmpeg.DecodeResult decoded = Ffmpeg.decode(node.client().objectUrl(BUCKET, channel + "/vod.m3u8"),
                Optional.empty(), Duration.ofSeconds(120), run.testDir());
        assertThat(decoded.exitCode()).as("ffmpeg playing the VoD: %s", decoded.errorLines()).isZero();
    }

    /** Between consecutive versions the media sequence and the newest segment never go back. */
    private static void assertMediaSequenceOnlyGoesForward(String what, PlaylistRecorder recorder) {
        List<MediaPlaylist> versions = recorder.versions();
        MediaPlaylist.union(versions);
        for (int i = 1; i < versions.size(); i++) {
            MediaPlaylist before = versions.get(i - 1);
            MediaPlaylist after = versions.get(i);
            assertThat(after.mediaSequence()).as("%s media sequence: %s then %s", what, before, after)
                    .isGreaterThanOrEqualTo(before.mediaSequence());
            if (!before.segments().isEmpty()) {
                assertThat(after.segments()).as("%s: %s then %s", what, before, after).isNotEmpty();
                assertThat(after.last().sequence()).as("%s newest segment: %s then %s", what, before, after)
                        .isGreaterThanOrEqualTo(before.last().sequence());
            }
        }
    }
}
