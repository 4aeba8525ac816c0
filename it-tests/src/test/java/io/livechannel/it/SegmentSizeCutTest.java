package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.OSSObjectSummary;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.MediaPlaylist.Segment;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.StoreBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream whose bitrate × FragDuration passes the largest segment is cut for size, and no segment is lost for
 * it: every segment the live playlist lists is stored, within the limit, and fetchable. The server runs with a
 * small largest segment (256 KiB, the hidden {@code --max-segment-bytes}) so that ffmpeg's test stream (about
 * 1.7 Mbit/s) with FragDuration 100 reaches it several times in a few seconds, as a 4K stream at 40 Mbit/s would
 * reach the default 128 MiB at FragDuration 60.
 */
class SegmentSizeCutTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final String CHANNEL = "size-cut";
    private static final String PLAYLIST_KEY = CHANNEL + "/playlist.m3u8";
    private static final int MAX_SEGMENT_BYTES = 256 * 1024;
    private static final int FRAG_DURATION = 100;
    private static final Duration PUSH = Duration.ofSeconds(6);

    @Test
    void everySegmentCutForSizeIsStoredListedAndFetchable() throws Exception {
        try (Deployment deployment = Deployment.start(StoreBackend.FILE_SYSTEM, run.testDir(),
                "--max-segment-bytes", Integer.toString(MAX_SEGMENT_BYTES));
                PlaylistRecorder recorder = PlaylistRecorder.start(() -> deployment.playlist(BUCKET, PLAYLIST_KEY))) {
            OSS oss = deployment.oss();
            oss.createLiveChannel(new CreateLiveChannelRequest(BUCKET, CHANNEL, "size cut", LiveChannelStatus.Enabled,
                    new LiveChannelTarget("HLS", FRAG_DURATION, 100, "playlist.m3u8")));
            String url = deployment.signedPushUrl(BUCKET, CHANNEL, "playlist.m3u8", Duration.ofHours(1));

            try (Push push = Ffmpeg.push(url, PUSH, run.testDir())) {
                assertThat(push.awaitExit(PUSH.plusSeconds(30))).as("push; log:\n%s", push.log()).isZero();
            }
            MediaPlaylist finished = recorder.await("#EXT-X-ENDLIST", Duration.ofSeconds(15),
                    MediaPlaylist::hasEndList);

            List<Segment> listed = MediaPlaylist.union(recorder.versions());
            assertThat(finished.segments()).as("the final playlist lists every segment ever listed")
                    .containsExactlyElementsOf(listed);
            assertThat(listed).as("segments cut for size in %s", finished).hasSizeGreaterThanOrEqualTo(3);
            assertThat(finished.totalDurationSeconds()).isCloseTo(PUSH.toMillis() / 1000.0, within(1.0));
            Map<String, Long> stored = deployment.listObjects(BUCKET, CHANNEL + "/").stream()
                    .filter(o -> o.getKey().endsWith(".ts"))
                    .collect(Collectors.toMap(OSSObjectSummary::getKey, OSSObjectSummary::getSize));
            assertThat(stored.keySet()).as("stored segments")
                    .containsExactlyInAnyOrderElementsOf(listed.stream().map(s -> CHANNEL + "/" + s.uri()).toList());
            for (Segment segment : listed) {
                String key = CHANNEL + "/" + segment.uri();
                Optional<byte[]> body = deployment.getPublic(BUCKET, key);
                assertThat(body).as("GET %s", key).isPresent();
                assertThat((long) body.get().length).as("size of %s", key).isEqualTo(stored.get(key))
                        .isLessThanOrEqualTo(MAX_SEGMENT_BYTES);
            }
            Ffmpeg.DecodeResult decoded = Ffmpeg.decode(deployment.objectUrl(BUCKET, PLAYLIST_KEY), Optional.empty(),
                    Duration.ofSeconds(60), run.testDir());
            assertThat(decoded.errorLines()).as("ffmpeg playing the playlist").isEmpty();
            assertThat(decoded.exitCode()).isZero();
            assertThat(deployment.serverLogLines("refused")).as("refused writes").isEmpty();
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server").isEmpty();
        }
    }
}
