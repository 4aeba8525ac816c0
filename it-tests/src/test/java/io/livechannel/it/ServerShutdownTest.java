package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.LiveRecord;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: the server gets SIGTERM (an operator's stop, a container restart) while a stream is live. It must
 * finish the open segment and the playlist before it exits: after a restart on the same data dir, the playlist
 * ends with {@code #EXT-X-ENDLIST}, lists the partial last segment, and everything ffmpeg sent is there.
 */
class ServerShutdownTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final String CHANNEL = "sigterm-cam";
    private static final String PLAYLIST_KEY = CHANNEL + "/playlist.m3u8";
    private static final int FRAG_DURATION = 2;
    /** Two whole 2 s segments, then one second into the third. */
    private static final Duration STOP_AT = Duration.ofMillis(5_000);
    private static final double IN_FLIGHT_TOLERANCE_SECONDS = 1.0;

    @Test
    void sigtermWhileLiveFinishesTheOpenSegmentAndPlaylistBeforeExit() throws Exception {
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir())) {
            OSS oss = deployment.oss();
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, CHANNEL, "sigterm", LiveChannelStatus.Enabled,
                    new LiveChannelTarget("HLS", FRAG_DURATION, 3, "playlist.m3u8")));
            String url = deployment.signedPushUrl(BUCKET, CHANNEL, "playlist.m3u8", Duration.ofHours(1));

            List<MediaPlaylist> seenWhileLive;
            double sentAtStop;
            Instant started = Instant.now();
            try (PlaylistRecorder recorder = PlaylistRecorder.start(() -> deployment.playlist(BUCKET, PLAYLIST_KEY));
                    Push push = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
                recorder.awaitSegments(2, Duration.ofSeconds(30));
                Polling.await("ffmpeg to have sent " + STOP_AT, Duration.ofSeconds(20), push::sentMedia,
                        sent -> sent.compareTo(STOP_AT) >= 0);
                sentAtStop = push.sentMedia().toMillis() / 1000.0;
                int exit = deployment.stopServer();
                assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
                assertThat(deployment.server().stderr()).as("the server's log").anyMatch(l -> l.contains("stopped"));
                assertThat(push.awaitExit(Duration.ofSeconds(15))).as("ffmpeg, cut off by the stop").isNotZero();
                recorder.close();
                seenWhileLive = new ArrayList<>(recorder.versions());
            }

            deployment.startServer();
            oss = deployment.oss();
            MediaPlaylist finished = deployment.playlist(BUCKET, PLAYLIST_KEY)
                    .orElseThrow(() -> new AssertionError("no playlist after the restart"));
            assertThat(finished.hasEndList()).as("the playlist was finished before exit %s", finished).isTrue();
            seenWhileLive.add(finished);
            List<Segment> all = MediaPlaylist.union(seenWhileLive);
            Segment partial = finished.last();
            assertThat(partial.durationSeconds()).as("the open segment, finished at the stop %s", finished)
                    .isGreaterThan(0.2).isLessThan(FRAG_DURATION);
            assertThat(all.stream().mapToDouble(Segment::durationSeconds).sum())
                    .as("media stored vs %.3f s sent when SIGTERM came; segments %s", sentAtStop, all)
                    .isGreaterThanOrEqualTo(sentAtStop - IN_FLIGHT_TOLERANCE_SECONDS);
            assertThat(deployment.segmentKeys(BUCKET, CHANNEL)).as("stored segments")
                    .containsExactlyElementsOf(all.stream().map(s -> CHANNEL + "/" + s.uri()).toList());
            for (Segment segment : all) {
                String segmentUrl = deployment.objectUrl(BUCKET, CHANNEL + "/" + segment.uri());
                assertThat(Ffprobe.packets(segmentUrl, "v").get(0).isKeyframe()).as("%s starts with a keyframe",
                        segment).isTrue();
                assertThat(Ffmpeg.decode(segmentUrl, Optional.empty(), Duration.ofSeconds(30), run.testDir())
                        .errorLines()).as("decoding %s", segment).isEmpty();
            }

            // SIGTERM is a clean stop: every index entry committed before exit, nothing for the restart to rebuild
            assertThat(deployment.serverLogLines("did not stop cleanly")).as("the restart's check after a stop")
                    .isEmpty();
            oss.generateVodPlaylist(BUCKET, CHANNEL, "session.m3u8", started.getEpochSecond() - 1,
                    Instant.now().getEpochSecond() + 1);
            MediaPlaylist vod = deployment.playlist(BUCKET, CHANNEL + "/session.m3u8")
                    .orElseThrow(() -> new AssertionError("PostVodPlaylist wrote no playlist"));
            assertThat(vod.uris()).as("the VoD of the session cut by the stop %s", vod)
                    .containsExactlyElementsOf(all.stream().map(Segment::uri).toList());

            assertThat(oss.getLiveChannelStat(BUCKET, CHANNEL).getPushflowStatus()).isEqualTo(PushflowStatus.Idle);
            List<LiveRecord> history = oss.getLiveChannelHistory(BUCKET, CHANNEL);
            assertThat(history).as("the session cut by the stop").hasSize(1);
            assertThat(history.get(0).getEndDate()).isAfter(history.get(0).getStartDate());
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server")
                    .isEmpty();
        }
    }
}
