package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.Bucket;
import com.aliyun.oss.model.CannedAccessControlList;
import com.aliyun.oss.model.CreateBucketRequest;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannel;
import com.aliyun.oss.model.LiveChannelInfo;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.LiveRecord;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Ffprobe;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.MediaPlaylist.Segment;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.StoreBackend;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: the server is killed (SIGKILL: power loss, the OOM killer) while a stream is live, then started again
 * on the same data dir. Buckets, ACLs, channels with their configuration and status, objects, and every segment
 * completed before the crash must be intact, and indexed for VoD playlists; the channel must not stay "Live"; publishing must resume, with
 * media sequence numbers above the old ones so that players reloading the playlist keep working (RFC 8216
 * §6.2.1).
 */
class ServerCrashTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final String CHANNEL = "crash-cam";
    private static final String SPARE = "crash-spare";
    private static final String PRIVATE_BUCKET = "crash-private";
    private static final String PLAYLIST_KEY = CHANNEL + "/playlist.m3u8";
    private static final Duration RESUMED_PUSH = Duration.ofSeconds(6);

    @Test
    void sigkillWhileLiveKeepsMetadataChannelsAndCompletedSegmentsAndPublishingResumes() throws Exception {
        Instant started = Instant.now();
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir())) {
            OSS oss = deployment.oss();
            oss.createBucket(new CreateBucketRequest(PRIVATE_BUCKET).withCannedACL(CannedAccessControlList.Private));
            oss.putObject(PRIVATE_BUCKET, "notes/readme.txt",
                    new ByteArrayInputStream("kept across a crash".getBytes(StandardCharsets.UTF_8)));
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, CHANNEL, "crash", LiveChannelStatus.Enabled,
                    new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, SPARE, "spare", LiveChannelStatus.Disabled,
                    new LiveChannelTarget("HLS", 5, 4, "spare.m3u8")));

            List<Segment> completed;
            try (PlaylistRecorder recorder = PlaylistRecorder.start(() -> deployment.playlist(BUCKET, PLAYLIST_KEY));
                    Push push = Ffmpeg.push(deployment.signedPushUrl(BUCKET, CHANNEL, "playlist.m3u8",
                            Duration.ofHours(1)), Duration.ofSeconds(60), run.testDir())) {
                recorder.awaitSegments(3, Duration.ofSeconds(30));
                completed = MediaPlaylist.union(recorder.versions());
                deployment.killServer();
                assertThat(push.awaitExit(Duration.ofSeconds(15))).as("ffmpeg, cut off by the crash").isNotZero();
            }

            deployment.startServer();
            oss = deployment.oss();
            assertThat(oss.listBuckets()).extracting(Bucket::getName).contains(BUCKET, PRIVATE_BUCKET);
            assertThat(oss.getBucketAcl(BUCKET).getCannedACL()).isEqualTo(CannedAccessControlList.PublicRead);
            assertThat(oss.getBucketAcl(PRIVATE_BUCKET).getCannedACL()).isEqualTo(CannedAccessControlList.Private);
            try (OSSObject readme = oss.getObject(PRIVATE_BUCKET, "notes/readme.txt")) {
                assertThat(new String(readme.getObjectContent().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("kept across a crash");
            }
            assertThat(oss.listLiveChannels(BUCKET)).extracting(LiveChannel::getName).contains(CHANNEL, SPARE);
            LiveChannelInfo spare = oss.getLiveChannelInfo(BUCKET, SPARE);
            assertThat(spare.getStatus()).isEqualTo(LiveChannelStatus.Disabled);
            assertThat(spare.getDescription()).isEqualTo("spare");
            assertThat(spare.getTarget().getFragDuration()).isEqualTo(5);
            assertThat(spare.getTarget().getFragCount()).isEqualTo(4);
            assertThat(spare.getTarget().getPlaylistName()).isEqualTo("spare.m3u8");
            assertThat(oss.getLiveChannelInfo(BUCKET, CHANNEL).getTarget().getFragDuration()).isEqualTo(2);
            OSS client = oss;
            Polling.await("the crashed session not Live any more", Duration.ofSeconds(10),
                    () -> client.getLiveChannelStat(BUCKET, CHANNEL).getPushflowStatus(),
                    s -> s == PushflowStatus.Idle);

            List<String> stored = deployment.segmentKeys(BUCKET, CHANNEL);
            for (Segment segment : completed) {
                String key = CHANNEL + "/" + segment.uri();
                assertThat(stored).as("completed segment %s kept", segment).contains(key);
                String url = deployment.objectUrl(BUCKET, key);
                assertThat(Ffprobe.packets(url, "v").get(0).isKeyframe()).as("%s starts with a keyframe", key)
                        .isTrue();
                assertThat(Ffmpeg.decode(url, Optional.empty(), Duration.ofSeconds(30), run.testDir()).errorLines())
                        .as("decoding %s", key).isEmpty();
            }
            MediaPlaylist afterCrash = deployment.playlist(BUCKET, PLAYLIST_KEY)
                    .orElseThrow(() -> new AssertionError("the playlist is gone after the crash"));
            assertThat(stored).as("every segment the playlist lists exists %s", afterCrash)
                    .containsAll(afterCrash.uris().stream().map(u -> CHANNEL + "/" + u).toList());
            assertThat(afterCrash.hasEndList()).as("the cut-off publish ended as a clean stop ends it %s", afterCrash)
                    .isTrue();
            List<LiveRecord> history = oss.getLiveChannelHistory(BUCKET, CHANNEL);
            assertThat(history).as("the cut-off push").hasSize(1);
            // its end is that of its last listed segment, at least the 3 segments (~6 s) awaited after its start
            assertThat(history.get(0).getEndDate().getTime() - history.get(0).getStartDate().getTime())
                    .as("the cut-off push's length in ms, %s to %s", history.get(0).getStartDate(),
                            history.get(0).getEndDate())
                    .isGreaterThanOrEqualTo(4000L);
            // The index entries of the last segments may still have been queued for their batch commit when the
            // process died; the restart indexes what the live playlist lists, so the VoD has every one.
            oss.generateVodPlaylist(BUCKET, CHANNEL, "before-crash.m3u8", started.getEpochSecond() - 1,
                    Instant.now().getEpochSecond() + 1);
            MediaPlaylist vod = deployment.playlist(BUCKET, CHANNEL + "/before-crash.m3u8")
                    .orElseThrow(() -> new AssertionError("PostVodPlaylist wrote no playlist"));
            assertThat(vod.uris()).as("the VoD of the time before the crash %s, the live playlist %s", vod,
                    afterCrash).containsAll(afterCrash.uris());

            assertPublishingResumes(deployment, completed);
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server")
                    .isEmpty();
        }
    }

    private static void assertPublishingResumes(Deployment deployment, List<Segment> beforeCrash) throws Exception {
        String url = deployment.signedPushUrl(BUCKET, CHANNEL, "playlist.m3u8", Duration.ofHours(1));
        try (PlaylistRecorder recorder = PlaylistRecorder.start(() -> deployment.playlist(BUCKET, PLAYLIST_KEY))) {
            try (Push push = Ffmpeg.push(url, RESUMED_PUSH, run.testDir())) {
                Polling.await("Live again after the restart", Duration.ofSeconds(15),
                        () -> deployment.oss().getLiveChannelStat(BUCKET, CHANNEL).getPushflowStatus(),
                        s -> s == PushflowStatus.Live);
                assertThat(push.awaitExit(RESUMED_PUSH.plusSeconds(30))).as("resumed push; log:\n%s", push.log())
                        .isZero();
            }
            long lastOldSequence = beforeCrash.get(beforeCrash.size() - 1).sequence();
            // the playlist before the push is the crashed one, ended by the restart: wait for the resumed one's end
            MediaPlaylist finished = recorder.await("#EXT-X-ENDLIST after the resumed push", Duration.ofSeconds(15),
                    p -> p.hasEndList() && p.segments().stream().anyMatch(s -> s.sequence() > lastOldSequence));
            List<Segment> resumed = MediaPlaylist.union(recorder.versions()).stream()
                    .filter(s -> beforeCrash.stream().noneMatch(old -> old.uri().equals(s.uri()))).toList();
            assertThat(resumed).as("new segments in %s", finished).isNotEmpty();
            assertThat(resumed).as("new segments numbered after the old ones %s", finished)
                    .allMatch(s -> s.sequence() > lastOldSequence);
            assertThat(deployment.segmentKeys(BUCKET, CHANNEL)).as("old and new segments stored")
                    .containsAll(beforeCrash.stream().map(s -> CHANNEL + "/" + s.uri()).toList())
                    .containsAll(resumed.stream().map(s -> CHANNEL + "/" + s.uri()).toList());
            Ffmpeg.DecodeResult decoded = Ffmpeg.decode(deployment.objectUrl(BUCKET, PLAYLIST_KEY), Optional.empty(),
                    Duration.ofSeconds(60), run.testDir());
            assertThat(decoded.errorLines()).as("decoding the resumed playlist").isEmpty();
        }
    }
}
