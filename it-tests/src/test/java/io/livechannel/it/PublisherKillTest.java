package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: the publisher dies (SIGKILL) in the middle of a segment, without FCUnpublish or a clean close. Nothing
 * the server received may be lost: the partial segment is stored and listed, the session is in the history, the
 * channel becomes Idle, and the next publish (here on the RTMP port) continues the same playlist after an
 * {@code #EXT-X-DISCONTINUITY}, with higher media sequence numbers.
 */
class PublisherKillTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final String CHANNEL = "killed-publisher";
    private static final String PLAYLIST_KEY = CHANNEL + "/playlist.m3u8";
    private static final int FRAG_DURATION = 2;
    /** Three whole 2 s segments, then one second into the fourth. */
    private static final Duration KILL_AT = Duration.ofMillis(7_000);
    /** Media ffmpeg had handed to the socket but the server may not have received when the process died. */
    private static final double IN_FLIGHT_TOLERANCE_SECONDS = 1.0;
    private static final Duration SECOND_PUSH = Duration.ofSeconds(6);

    @Test
    void killedPublisherLeavesItsPartialSegmentStoredAndTheNextPublishContinuesThePlaylist() throws Exception {
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir());
                PlaylistRecorder recorder = PlaylistRecorder.start(() -> deployment.playlist(BUCKET, PLAYLIST_KEY))) {
            OSS oss = deployment.oss();
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, CHANNEL, "publisher kill",
                    LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", FRAG_DURATION, 3, "playlist.m3u8")));
            String url = deployment.signedPushUrl(BUCKET, CHANNEL, "playlist.m3u8", Duration.ofHours(1));

            Instant firstStarted = Instant.now();
            double sentAtKill;
            try (Push first = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
                recorder.awaitSegments(3, Duration.ofSeconds(30));
                Polling.await("ffmpeg to have sent " + KILL_AT, Duration.ofSeconds(20), first::sentMedia,
                        sent -> sent.compareTo(KILL_AT) >= 0);
                sentAtKill = first.sentMedia().toMillis() / 1000.0;
                first.kill();
            }

            Polling.await("Idle after the publisher was killed", Duration.ofSeconds(15),
                    () -> oss.getLiveChannelStat(BUCKET, CHANNEL).getPushflowStatus(), s -> s == PushflowStatus.Idle);
            // The push record's end is committed after the publish's last writes, a moment after it went Idle.
            List<LiveRecord> history = Polling.await("the killed session's record ended", Duration.ofSeconds(10),
                    () -> oss.getLiveChannelHistory(BUCKET, CHANNEL),
                    records -> !records.isEmpty() && records.get(0).getEndDate().after(records.get(0).getStartDate()));
            assertThat(history).as("the killed session is in the history").hasSize(1);
            assertThat(history.get(0).getStartDate().toInstant()).isAfterOrEqualTo(firstStarted.minusSeconds(2));
            assertThat(history.get(0).getEndDate()).isAfter(history.get(0).getStartDate());
            assertThat(history.get(0).getRemoteAddress()).matches("127\\.0\\.0\\.1:\\d+");

            MediaPlaylist afterKill = recorder.await("the partial segment listed", Duration.ofSeconds(15),
                    p -> MediaPlaylist.union(recorder.versions()).stream().mapToDouble(Segment::durationSeconds)
                            .sum() >= sentAtKill - IN_FLIGHT_TOLERANCE_SECONDS);
            List<Segment> firstSession = MediaPlaylist.union(recorder.versions());
            Segment partial = afterKill.last();
            assertThat(partial.durationSeconds()).as("the partial segment %s", partial)
                    .isGreaterThan(0.2).isLessThan(FRAG_DURATION);
            String partialKey = CHANNEL + "/" + partial.uri();
            assertThat(deployment.segmentKeys(BUCKET, CHANNEL)).as("stored segments")
                    .containsExactlyElementsOf(firstSession.stream().map(s -> CHANNEL + "/" + s.uri()).toList());
            List<Ffprobe.PacketInfo> packets = Ffprobe.packets(deployment.objectUrl(BUCKET, partialKey), "v");
            assertThat(packets).as("video in the partial segment").isNotEmpty();
            assertThat(packets.get(0).isKeyframe()).as("the partial segment starts with a keyframe").isTrue();
            Ffmpeg.DecodeResult decoded = Ffmpeg.decode(deployment.objectUrl(BUCKET, partialKey), Optional.empty(),
                    Duration.ofSeconds(30), run.testDir());
            assertThat(decoded.errorLines()).as("decoding the partial segment").isEmpty();

            try (Push second = Ffmpeg.push(deployment.onRtmpPort(url), SECOND_PUSH, run.testDir())) {
                assertThat(second.awaitExit(SECOND_PUSH.plusSeconds(30))).as("second push; log:\n%s", second.log())
                        .isZero();
            }
            MediaPlaylist finished = recorder.await("#EXT-X-ENDLIST after the second publish",
                    Duration.ofSeconds(15), MediaPlaylist::hasEndList);
            List<Segment> all = MediaPlaylist.union(recorder.versions());
            List<Segment> secondSession = all.subList(firstSession.size(), all.size());
            assertThat(secondSession).as("segments of the second publish in %s", finished).isNotEmpty();
            assertThat(secondSession.get(0).discontinuity())
                    .as("#EXT-X-DISCONTINUITY before the first segment of the new publish").isTrue();
            assertThat(secondSession.get(0).sequence()).isGreaterThan(partial.sequence());
            assertThat(secondSession.stream().skip(1).noneMatch(Segment::discontinuity)).isTrue();
            assertThat(secondSession.stream().mapToDouble(Segment::durationSeconds).sum())
                    .isCloseTo(SECOND_PUSH.toSeconds(), within(1.0));
            assertThat(deployment.segmentKeys(BUCKET, CHANNEL)).as("every segment of both sessions is stored")
                    .containsExactlyElementsOf(all.stream().map(s -> CHANNEL + "/" + s.uri()).toList());
            assertThat(oss.getLiveChannelHistory(BUCKET, CHANNEL)).hasSize(2);

            long from = firstStarted.getEpochSecond() - 1;
            long to = Instant.now().getEpochSecond() + 1;
            oss.generateVodPlaylist(BUCKET, CHANNEL, "both.m3u8", from, to);
            MediaPlaylist vod = deployment.playlist(BUCKET, CHANNEL + "/both.m3u8").orElseThrow();
            assertThat(vod.uris()).containsExactlyElementsOf(all.stream().map(Segment::uri).toList());
            assertThat(vod.segments().get(firstSession.size()).discontinuity())
                    .as("the VoD marks where the second publish starts %s", vod).isTrue();
            // EXT-X-DISCONTINUITY would allow timestamps to restart (RFC 8216 §4.3.2.3), but ffmpeg's HLS reader
            // ignores the tag; our packager continues them after the previous publish, so the whole VoD decodes.
            Ffmpeg.DecodeResult vodDecoded = Ffmpeg.decode(deployment.objectUrl(BUCKET, CHANNEL + "/both.m3u8"),
                    Optional.empty(), Duration.ofSeconds(60), run.testDir());
            assertThat(vodDecoded.errorLines()).as("ffmpeg playing the VoD across both publishes").isEmpty();
            assertThat(vodDecoded.exitCode()).isZero();
            // The second publish's timestamps continue right after the first's, so the VoD plays for the sum of
            // both sessions' segments (issue 7: within one frame per segment).
            double vodSeconds = Ffprobe.probe(deployment.objectUrl(BUCKET, CHANNEL + "/both.m3u8")).durationSeconds();
            assertThat(vodSeconds).as("VoD duration vs the EXTINF sum of %s", vod)
                    .isCloseTo(vod.totalDurationSeconds(), within(vod.segments().size() / (double) Ffmpeg.FRAME_RATE));
            for (Segment segment : all) {
                String segmentUrl = deployment.objectUrl(BUCKET, CHANNEL + "/" + segment.uri());
                assertThat(Ffmpeg.decode(segmentUrl, Optional.empty(), Duration.ofSeconds(30), run.testDir())
                        .errorLines()).as("decoding %s", segment).isEmpty();
            }
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server")
                    .isEmpty();
        }
    }
}
