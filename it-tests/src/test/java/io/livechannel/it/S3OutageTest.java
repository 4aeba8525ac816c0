package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.Playback;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.StoreBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: S3 is unreachable for several segments' worth of a live push (S3Proxy stopped, then a new S3Proxy on
 * the same port and data). The publisher must not be dropped, and once S3 is back every segment must be
 * stored and listed: the finished playlist and the VoD cover the whole push with no hole in the media.
 */
class S3OutageTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final String CHANNEL = "s3-outage";
    private static final Duration PUSH = Duration.ofSeconds(20);
    /** Three segments of 2 s are cut while S3 is down. */
    private static final Duration OUTAGE = Duration.ofSeconds(6);
    /** The server retries with backoff; the backlog must drain within this after S3 returns. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void segmentsCutWhileS3IsDownAreStoredOnceItReturns() throws Exception {
        try (Deployment deployment = Deployment.start(StoreBackend.S3, run.testDir())) {
            OSS oss = deployment.oss();
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, CHANNEL, "outage", LiveChannelStatus.Enabled,
                    new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
            String url = deployment.signedPushUrl(BUCKET, CHANNEL, "playlist.m3u8", Duration.ofHours(1));

            Instant pushStarted = Instant.now();
            try (PlaylistRecorder recorder = PlaylistRecorder.start(
                    () -> deployment.playlist(BUCKET, CHANNEL + "/playlist.m3u8"));
                    Push push = Ffmpeg.push(url, PUSH, run.testDir())) {
                recorder.awaitSegments(2, Duration.ofSeconds(30));
                Duration outageStart = push.sentMedia();
                deployment.stopS3();
                try {
                    Polling.await("ffmpeg to push " + OUTAGE + " while S3 is down", Duration.ofSeconds(30),
                            push::sentMedia, sent -> sent.compareTo(outageStart.plus(OUTAGE)) >= 0);
                    assertThat(push.isAlive()).as("the publisher is not dropped during the outage; log:\n%s",
                            push.log()).isTrue();
                    assertThat(oss.getLiveChannelStat(BUCKET, CHANNEL).getPushflowStatus())
                            .as("stat during the outage").isEqualTo(PushflowStatus.Live);
                } finally {
                    deployment.restartS3();
                }
                assertThat(push.awaitExit(PUSH.plusSeconds(30))).as("ffmpeg's exit code; log:\n%s", push.log())
                        .isZero();
                recorder.await("#EXT-X-ENDLIST once S3 is back", DRAIN_TIMEOUT, MediaPlaylist::hasEndList);
            }
            Instant pushEnded = Instant.now();

            List<String> stored = deployment.segmentKeys(BUCKET, CHANNEL);
            assertThat(deployment.s3().orElseThrow().objectKeys(BUCKET, CHANNEL + "/"))
                    .as("segments in S3 itself").containsAll(stored);
            long from = pushStarted.getEpochSecond() - 1;
            long to = pushEnded.getEpochSecond() + 1;
            oss.generateVodPlaylist(BUCKET, CHANNEL, "vod.m3u8", from, to);
            MediaPlaylist vod = deployment.playlist(BUCKET, CHANNEL + "/vod.m3u8").orElseThrow();
            assertThat(vod.uris().stream().map(u -> CHANNEL + "/" + u).toList()).as("VoD %s", vod)
                    .containsExactlyElementsOf(stored);
            assertThat(vod.segments()).as("no discontinuity: one unbroken session %s", vod)
                    .noneMatch(MediaPlaylist.Segment::discontinuity);
            assertThat(vod.totalDurationSeconds()).as("all pushed media listed %s", vod)
                    .isCloseTo(PUSH.toSeconds(), within(1.0));
            Playback.assertContinuous(deployment.objectUrl(BUCKET, CHANNEL + "/vod.m3u8"), PUSH);
            assertThat(deployment.serverLogLines(CHANNEL + "/")).as("the operator is told a segment write failed")
                    .anyMatch(l -> (l.contains(" WARN ") || l.contains(" ERROR ")) && l.contains(".ts"));
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server")
                    .isEmpty();
        }
    }
}
