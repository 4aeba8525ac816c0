package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.CannedAccessControlList;
import com.aliyun.oss.model.CreateBucketRequest;
import com.aliyun.oss.model.LiveChannel;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveRecord;
import com.aliyun.oss.model.OSSObject;
import io.livechannel.it.support.Cluster;
import io.livechannel.it.support.Cluster.Node;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Latencies;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 24, items 1, 6 and 8 on a three-node cluster (one PostgreSQL, one S3): a write on one node is seen by the next call on any other; a live playlist plays from every
 * node and each new version is visible everywhere within 1 s of being stored; VoD, history and listings are the
 * same on every node. One cluster for the class, one channel per test.
 */
class ClusterApiTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Cluster.BUCKET;
    private static final Duration ADMISSION = Duration.ofSeconds(20);
    /** The documented staleness bound of another node's bucket ACL (NOTIFY invalidation). */
    private static final Duration ACL_BOUND = Duration.ofSeconds(1);
    /** Issue 24 item 6: a stored playlist is served by every node within 1 s. */
    private static final Duration PLAYLIST_BOUND = Duration.ofSeconds(1);
    /** Both sides of a visibility delay are seen by readers polling at this interval. */
    private static final Duration POLL = Duration.ofMillis(Polling.INTERVAL_MILLIS);

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
    void aChannelWrittenOnOneNodeIsPushableOrRefusedOnAnotherAtOnce() throws Exception {
        Node a = cluster.node(0);
        Node b = cluster.node(1);
        Node c = cluster.node(2);
        String channel = "written-elsewhere";
        a.createChannel(channel);
        try (Push push = Ffmpeg.push(b.pushUrl(channel), Duration.ofSeconds(3), run.testDir())) {
            push.awaitAdmitted(ADMISSION);
            assertThat(push.awaitExit(Duration.ofSeconds(30))).as("push on %s; log:\n%s", b, push.log()).isZero();
        }

        c.oss().setLiveChannelStatus(BUCKET, channel, LiveChannelStatus.Disabled);
        try (Push push = Ffmpeg.push(a.pushUrl(channel), Duration.ofSeconds(30), run.testDir())) {
            push.awaitRefused(ADMISSION);
        }
        for (Node node : cluster.nodes()) {
            assertThat(node.oss().getLiveChannelInfo(BUCKET, channel).getStatus()).as("status on %s", node)
                    .isEqualTo(LiveChannelStatus.Disabled);
        }

        c.oss().setLiveChannelStatus(BUCKET, channel, LiveChannelStatus.Enabled);
        String urlOnA = a.pushUrl(channel);
        c.oss().deleteLiveChannel(BUCKET, channel);
        try (Push push = Ffmpeg.push(urlOnA, Duration.ofSeconds(30), run.testDir())) {
            push.awaitRefused(ADMISSION);
        }
        for (Node node : cluster.nodes()) {
            OSSException missing = catchThrowableOfType(OSSException.class,
                    () -> node.oss().getLiveChannelInfo(BUCKET, channel));
            assertThat(missing).as("GetLiveChannelInfo of the deleted channel on %s", node).isNotNull();
            assertThat(missing.getErrorCode()).isEqualTo("NoSuchLiveChannel");
        }
    }

    @Test
    void aBucketAclChangedOnOneNodeIsAppliedByEveryOtherWithinTheBound() throws Exception {
        String bucket = "acl-check";
        String key = "hello.txt";
        Node a = cluster.node(0);
        a.oss().createBucket(new CreateBucketRequest(bucket).withCannedACL(CannedAccessControlList.PublicRead));
        a.oss().putObject(bucket, key, new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
        // Every node serves the object once before the first change: its bucket is then in every node's cache (the
        // entry the change must invalidate), and the delays measured are the invalidation's, not a cold JVM's first
        // anonymous GET, which on a loaded machine alone took over a second.
        for (Node reader : cluster.nodes()) {
            awaitAnonymousStatus(reader, bucket, key, 200, System.nanoTime());
        }
        Latencies delays = new Latencies();
        List<String> late = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            Node writer = cluster.node(round % 3);
            for (int status : new int[] {403, 200}) {
                writer.oss().setBucketAcl(bucket, status == 403 ? CannedAccessControlList.Private
                        : CannedAccessControlList.PublicRead);
                long written = System.nanoTime();
                for (Node reader : cluster.nodes()) {
                    Duration delay = awaitAnonymousStatus(reader, bucket, key, status, written);
                    delays.add(delay);
                    if (delay.compareTo(ACL_BOUND) > 0) {
                        late.add(reader + " answered " + status + " " + delay.toMillis() + " ms after " + writer
                                + " changed the ACL");
                    }
                }
            }
        }
        run.record("bucket ACL change to anonymous GET on every node: " + delays.summary());
        assertThat(late).as("answers later than %s after an ACL change on another node", ACL_BOUND).isEmpty();
    }

    @Test
    void aLivePlaylistPlaysFromEveryNodeAndEachVersionIsServedEverywhereWithinOneSecond() throws Exception {
        String channel = "everywhere";
        Node owner = cluster.node(0);
        owner.createChannel(channel);
        List<PlaylistRecorder> players = new ArrayList<>();
        try (PlaylistRecorder stored = PlaylistRecorder.start(() -> cluster.storedPlaylist(channel))) {
            for (Node node : cluster.nodes()) {
                players.add(PlaylistRecorder.startWarm(() -> node.playlist(channel)));
            }
            try (Push push = Ffmpeg.push(owner.pushUrl(channel), Duration.ofSeconds(14), run.testDir())) {
                push.awaitAdmitted(ADMISSION);
                players.get(1).awaitSegments(2, Duration.ofSeconds(30));
                Ffmpeg.DecodeResult played = Ffmpeg.decode(cluster.node(1).client().objectUrl(BUCKET,
                        channel + "/" + Cluster.PLAYLIST), Optional.of(Duration.ofSeconds(4)),
                        Duration.ofSeconds(40), run.testDir());
                assertThat(played.isClean()).as("ffmpeg playing the live playlist from %s: %s",
                        cluster.node(1), played.errorLines()).isTrue();
                assertThat(push.awaitExit(Duration.ofSeconds(40))).as("push; log:\n%s", push.log()).isZero();
            }
            stored.await("#EXT-X-ENDLIST stored", Duration.ofSeconds(15), MediaPlaylist::hasEndList);
            for (PlaylistRecorder player : players) {
                player.await("#EXT-X-ENDLIST served", Duration.ofSeconds(5), MediaPlaylist::hasEndList);
            }
            assertVisibleEverywhere(stored, players);
        } finally {
            for (PlaylistRecorder player : players) {
                player.close();
            }
        }
    }

    /** Every stored version was served by every node, at most {@link #PLAYLIST_BOUND} after it was stored. */
    private void assertVisibleEverywhere(PlaylistRecorder stored, List<PlaylistRecorder> players) throws IOException {
        Latencies delays = new Latencies();
        List<MediaPlaylist> versions = stored.versions();
        assertThat(versions).as("stored playlist versions").hasSizeGreaterThanOrEqualTo(5);
        for (MediaPlaylist version : versions) {
            Instant storedAt = stored.firstSeen(version.text()).orElseThrow();
            for (int i = 0; i < players.size(); i++) {
                PlaylistRecorder player = players.get(i);
                Optional<Instant> servedAt = player.firstSeen(version.text());
                assertThat(servedAt).as("%s served the stored version%s%s", cluster.node(i), version,
                        player.timeline()).isPresent();
                Duration delay = Duration.between(storedAt, servedAt.get());
                delays.add(delay.isNegative() ? Duration.ZERO : delay);
                assertThat(delay).as("%s served the version stored at %s only at %s (readers poll every %s)%s",
                        cluster.node(i), storedAt, servedAt.get(), POLL, version)
                        .isLessThanOrEqualTo(PLAYLIST_BOUND.plus(POLL));
            }
        }
        run.record("stored playlist to served on every node (readers polling every " + POLL.toMillis() + " ms): "
                + delays.summary());
    }

    @Test
    void vodHistoryAndListingsAreTheSameOnEveryNode() throws Exception {
        String channel = "same-answers";
        cluster.node(1).createChannel(channel);
        Instant started = Instant.now();
        try (Push push = Ffmpeg.push(cluster.node(2).pushUrl(channel), Duration.ofSeconds(6), run.testDir())) {
            push.awaitAdmitted(ADMISSION);
            assertThat(push.awaitExit(Duration.ofSeconds(30))).as("push; log:\n%s", push.log()).isZero();
        }
        Polling.await("#EXT-X-ENDLIST", Duration.ofSeconds(15), () -> cluster.node(0).playlist(channel),
                p -> p.isPresent() && p.get().hasEndList());
        // The push record is written apart from the playlist: its end may land a moment after #EXT-X-ENDLIST.
        Polling.await("the ended push in the history", Duration.ofSeconds(15),
                () -> cluster.node(0).oss().getLiveChannelHistory(BUCKET, channel),
                h -> h.size() == 1 && h.get(0).getEndDate() != null);
        long from = started.getEpochSecond() - 1;
        long to = Instant.now().getEpochSecond() + 1;
        cluster.node(0).oss().generateVodPlaylist(BUCKET, channel, "vod.m3u8", from, to);

        List<String> answers = new ArrayList<>();
        for (Node node : cluster.nodes()) {
            OSS oss = node.oss();
            String stored = new String(node.client().getPublic(BUCKET, channel + "/vod.m3u8").orElseThrow(),
                    StandardCharsets.UTF_8);
            String generated;
            try (OSSObject vod = oss.getVodPlaylist(BUCKET, channel, from, to)) {
                generated = new String(vod.getObjectContent().readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> history = oss.getLiveChannelHistory(BUCKET, channel).stream()
                    .map(ClusterApiTest::describe).toList();
            // The publish and play URLs name the endpoint the caller used, which differs per node here.
            String endpoint = node.client().endpoint().replace("http://", "");
            List<String> listed = oss.listLiveChannels(BUCKET).stream().map(ClusterApiTest::describe)
                    .map(d -> d.replace(endpoint, "<endpoint>")).toList();
            assertThat(history).as("history on %s", node).hasSize(1);
            assertThat(MediaPlaylist.parse(generated).segments()).as("GetVodPlaylist on %s", node).isNotEmpty();
            answers.add("PostVodPlaylist object:\n" + stored + "\nGetVodPlaylist:\n" + generated
                    + "\nGetLiveChannelHistory: " + history + "\nListLiveChannel: " + listed);
        }
        assertThat(answers.get(1)).as("node-b's answers vs node-a's").isEqualTo(answers.get(0));
        assertThat(answers.get(2)).as("node-c's answers vs node-a's").isEqualTo(answers.get(0));
    }

    private static String describe(LiveRecord record) {
        return record.getStartDate().toInstant() + ".." + record.getEndDate().toInstant() + " from "
                + record.getRemoteAddress();
    }

    private static String describe(LiveChannel channel) {
        return channel.getName() + " " + channel.getStatus() + " '" + channel.getDescription() + "' "
                + channel.getLastModified().toInstant() + " " + channel.getPublishUrls() + " "
                + channel.getPlayUrls();
    }



    /** Polls (every 20 ms, for at most 5 s) until an anonymous GET answers {@code status}; the time since start. */
    private static Duration awaitAnonymousStatus(Node node, String bucket, String key, int status, long startNanos)
            throws IOException, InterruptedException {
        long deadline = startNanos + Duration.ofSeconds(5).toNanos();
        int last;
        do {
            last = node.client().get(bucket, key).statusCode();
            if (last == status) {
                return Duration.ofNanos(System.nanoTime() - startNanos);
            }
            Thread.sleep(20); // a polling step, not a wait for an outcome
        } while (System.nanoTime() < deadline);
        throw new AssertionError(node + " still answers " + last + " (not " + status + ") 5 s after the change");
    }

}
