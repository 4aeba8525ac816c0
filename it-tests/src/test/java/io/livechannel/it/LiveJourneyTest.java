package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.CannedAccessControlList;
import com.aliyun.oss.model.CreateBucketRequest;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.CreateLiveChannelResult;
import com.aliyun.oss.model.LiveChannel;
import com.aliyun.oss.model.LiveChannelInfo;
import com.aliyun.oss.model.LiveChannelStat;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.LiveRecord;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.Ffmpeg.DecodeResult;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.Playback;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.PlaylistRecorder;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.StoreBackend;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8's journey, steps 1-4, with the official SDK and the real ffmpeg, on both stores: set up a bucket and a
 * channel, push 20 s of H.264 (B-frames, 2 s GOP) + AAC, watch it live (stat, playlist updates, a player
 * decoding the live playlist), then check the finished playlist, the history and the VoD playlists.
 * The refusals (step 5) are in {@link PushAdmissionTest}.
 */
class LiveJourneyTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String CHANNEL = "journey-cam";
    private static final String PLAYLIST = "playlist.m3u8";
    private static final int FRAG_DURATION = 2;
    private static final int FRAG_COUNT = 3;
    private static final Duration PUSH = Duration.ofSeconds(20);
    /** One frame at 25 fps, the resolution of any media time we check. */
    private static final double FRAME = 1.0 / Ffmpeg.FRAME_RATE;

    @Test
    void sdkSetupPushWatchLiveThenVod_fileSystem() throws Exception {
        sdkSetupPushWatchLiveThenVod(StoreBackend.FILE_SYSTEM, "journey-fs");
    }

    @Test
    void sdkSetupPushWatchLiveThenVod_s3() throws Exception {
        sdkSetupPushWatchLiveThenVod(StoreBackend.S3, "journey-s3");
    }

    private void sdkSetupPushWatchLiveThenVod(StoreBackend backend, String bucket) throws Exception {
        try (Deployment deployment = Deployment.start(backend, run.testDir())) {
            OSS oss = deployment.oss();
            String pushUrl = setUpBucketAndChannel(deployment, bucket);

            Instant pushStarted = Instant.now();
            List<MediaPlaylist> versions;
            String timeline;
            try (PlaylistRecorder recorder = PlaylistRecorder.startWarm(
                    () -> deployment.playlist(bucket, CHANNEL + "/" + PLAYLIST));
                    Push push = Ffmpeg.push(pushUrl, PUSH, run.testDir())) {
                recorder.await("the live playlist to list " + FRAG_COUNT + " segments", Duration.ofSeconds(30),
                        p -> p.segments().size() == FRAG_COUNT);
                // A user looks at the stat of a stream that has been live a while (here 6 s, 3 segments), not
                // in its first second, when rates measured over a window are still filling.
                assertLiveStat(oss, bucket, pushStarted);
                DecodeResult live = Ffmpeg.decode(deployment.objectUrl(bucket, CHANNEL + "/" + PLAYLIST),
                        Optional.of(Duration.ofSeconds(4)), Duration.ofSeconds(40), run.testDir());
                assertThat(live.errorLines()).as("ffmpeg decoding the live playlist over HTTP").isEmpty();
                assertThat(live.exitCode()).as("ffmpeg decoding the live playlist over HTTP").isZero();

                assertThat(push.awaitExit(PUSH.plusSeconds(30))).as("ffmpeg's exit code; its log:\n%s", push.log())
                        .isZero();
                assertThat(push.errorLines()).as("errors ffmpeg printed while pushing").isEmpty();
                recorder.await("#EXT-X-ENDLIST after the publisher stopped", Duration.ofSeconds(15),
                        MediaPlaylist::hasEndList);
                versions = recorder.versions();
                timeline = recorder.timeline();
                java.nio.file.Files.writeString(run.testDir().resolve("playlist-reads.log"), timeline);
                assertThat(recorder.errors()).as("failed reads of the live playlist%s", timeline).isEmpty();
            }
            Instant pushEnded = Instant.now();

            List<String> stored = deployment.segmentKeys(bucket, CHANNEL);
            MediaPlaylist last = versions.get(versions.size() - 1);
            assertLivePlaylistVersions(versions, stored, timeline);
            assertThat(last.totalDurationSeconds()).as("media in the last window is at most FragCount segments")
                    .isLessThanOrEqualTo(FRAG_COUNT * (FRAG_DURATION + 2.0 + FRAME));
            if (backend == StoreBackend.S3) {
                assertThat(deployment.s3().orElseThrow().objectKeys(bucket, CHANNEL + "/"))
                        .as("what landed in S3 itself").containsAll(stored).contains(CHANNEL + "/" + PLAYLIST);
            }
            assertSegmentsStartWithKeyframes(deployment, bucket, stored);

            Polling.await("GetLiveChannelStat Idle after the push", Duration.ofSeconds(10),
                    () -> oss.getLiveChannelStat(bucket, CHANNEL).getPushflowStatus(), s -> s == PushflowStatus.Idle);
            assertHistory(oss, bucket, pushStarted, pushEnded);
            assertVod(deployment, bucket, stored, pushStarted, pushEnded);
            assertThat(deployment.serverLogLines(" ERROR ")).as("server errors during a clean journey").isEmpty();
            assertThat(deployment.serverLogLines(" WARN ")).as("server warnings during a clean journey").isEmpty();
            assertThat(deployment.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the server").isEmpty();
        }
    }

    /** Step 1: a public-read bucket, a channel with FragDuration 2 / FragCount 3, a signed push URL. */
    private String setUpBucketAndChannel(Deployment deployment, String bucket) {
        OSS oss = deployment.oss();
        oss.createBucket(new CreateBucketRequest(bucket).withCannedACL(CannedAccessControlList.PublicRead));
        assertThat(oss.getBucketAcl(bucket).getCannedACL()).isEqualTo(CannedAccessControlList.PublicRead);

        CreateLiveChannelResult created = oss.createLiveChannel(new CreateLiveChannelRequest(bucket, CHANNEL,
                "issue 8 journey", LiveChannelStatus.Enabled,
                new LiveChannelTarget("HLS", FRAG_DURATION, FRAG_COUNT, PLAYLIST)));
        assertThat(created.getPublishUrls()).singleElement().asString().endsWith("/live/" + CHANNEL);
        assertThat(created.getPlayUrls()).singleElement().asString().endsWith("/" + CHANNEL + "/" + PLAYLIST);

        LiveChannelInfo info = oss.getLiveChannelInfo(bucket, CHANNEL);
        assertThat(info.getDescription()).isEqualTo("issue 8 journey");
        assertThat(info.getStatus()).isEqualTo(LiveChannelStatus.Enabled);
        assertThat(info.getTarget().getType()).isEqualTo("HLS");
        assertThat(info.getTarget().getFragDuration()).isEqualTo(FRAG_DURATION);
        assertThat(info.getTarget().getFragCount()).isEqualTo(FRAG_COUNT);
        assertThat(info.getTarget().getPlaylistName()).isEqualTo(PLAYLIST);
        assertThat(oss.listLiveChannels(bucket)).extracting(LiveChannel::getName).containsExactly(CHANNEL);
        assertThat(oss.getLiveChannelStat(bucket, CHANNEL).getPushflowStatus()).isEqualTo(PushflowStatus.Idle);

        String url = deployment.signedPushUrl(bucket, CHANNEL, PLAYLIST, Duration.ofHours(1));
        assertThat(url).startsWith("rtmp://127.0.0.1:" + deployment.server().httpPort() + "/live/" + CHANNEL + "?");
        return url;
    }

    /** Step 3: Live, with the pushed stream's picture size, frame rate, codecs and a non-zero bandwidth. */
    private static void assertLiveStat(OSS oss, String bucket, Instant pushStarted) {
        LiveChannelStat stat = Polling.await("GetLiveChannelStat Live with video and audio bandwidth > 0",
                Duration.ofSeconds(20), () -> oss.getLiveChannelStat(bucket, CHANNEL),
                s -> s.getPushflowStatus() == PushflowStatus.Live && s.getVideoStat() != null
                        && s.getAudioStat() != null && s.getVideoStat().getBandWidth() > 0
                        && s.getAudioStat().getBandWidth() > 0);
        assertThat(stat.getConnectedDate().toInstant())
                .isBetween(pushStarted.minusSeconds(2), Instant.now().plusSeconds(2));
        assertThat(stat.getRemoteAddress()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(stat.getVideoStat().getWidth()).isEqualTo(Ffmpeg.WIDTH);
        assertThat(stat.getVideoStat().getHeight()).isEqualTo(Ffmpeg.HEIGHT);
        assertThat(stat.getVideoStat().getFrameRate()).isEqualTo(Ffmpeg.FRAME_RATE);
        assertThat(stat.getVideoStat().getCodec()).isEqualTo("H264");
        assertThat(stat.getAudioStat().getSampleRate()).isEqualTo(Ffmpeg.SAMPLE_RATE);
        assertThat(stat.getAudioStat().getCodec()).isEqualTo("AAC");
    }

    /**
     * Every version a player saw: at most FragCount segments, a stable sequence → URI mapping, a media sequence
     * that never goes back; every stored segment was the newest entry of some version (the playlist is rewritten
     * after every segment), and segments are cut on keyframes once FragDuration is reached.
     */
    private static void assertLivePlaylistVersions(List<MediaPlaylist> versions, List<String> stored,
            String timeline) {
        assertThat(stored).as("segments stored for a %s s push", PUSH.toSeconds())
                .hasSizeGreaterThanOrEqualTo((int) (PUSH.toSeconds() / (FRAG_DURATION + 2)));
        java.util.Map<Long, String> bySequence = new java.util.TreeMap<>();
        long previousSequence = -1;
        for (MediaPlaylist version : versions) {
            assertThat(version.segments()).as("a live window %s", version).hasSizeBetween(1, FRAG_COUNT);
            assertThat(version.version()).as("EXT-X-VERSION %s", version).isGreaterThanOrEqualTo(3);
            assertThat(version.mediaSequence()).as("media sequence never goes back %s", version)
                    .isGreaterThanOrEqualTo(previousSequence);
            previousSequence = version.mediaSequence();
            for (MediaPlaylist.Segment segment : version.segments()) {
                assertThat(Math.round(segment.durationSeconds())).as("EXTINF ≤ TARGETDURATION %s", version)
                        .isLessThanOrEqualTo(version.targetDurationSeconds());
                String before = bySequence.putIfAbsent(segment.sequence(), segment.uri());
                assertThat(before == null || before.equals(segment.uri()))
                        .as("sequence %d names one segment (%s vs %s)", segment.sequence(), before, segment.uri())
                        .isTrue();
            }
            if (version != versions.get(versions.size() - 1)) {
                assertThat(version.hasEndList()).as("#EXT-X-ENDLIST only at the end %s", version).isFalse();
            }
        }
        List<String> newest = versions.stream().map(v -> CHANNEL + "/" + v.last().uri()).distinct().toList();
        assertThat(newest).as("the newest entry of each playlist version = every stored segment, in order%s",
                timeline)
                .containsExactlyElementsOf(stored);
        assertThat(bySequence.values().stream().map(u -> CHANNEL + "/" + u).toList())
                .as("every listed segment, by media sequence").containsExactlyElementsOf(stored);

        MediaPlaylist last = versions.get(versions.size() - 1);
        List<MediaPlaylist.Segment> all = versions.stream().flatMap(v -> v.segments().stream())
                .collect(java.util.stream.Collectors.toMap(MediaPlaylist.Segment::sequence, s -> s, (a, b) -> a,
                        java.util.TreeMap::new)).values().stream().toList();
        for (MediaPlaylist.Segment s : all.subList(0, all.size() - 1)) {
            double gops = s.durationSeconds() / 2.0;
            assertThat(s.durationSeconds()).as("segment %s is cut at the first keyframe after FragDuration", s)
                    .isGreaterThanOrEqualTo(FRAG_DURATION - FRAME);
            assertThat(gops).as("segment %s spans whole GOPs (cut on keyframes)", s)
                    .isCloseTo(Math.rint(gops), within(FRAME));
        }
        double total = all.stream().mapToDouble(MediaPlaylist.Segment::durationSeconds).sum();
        assertThat(total).as("all listed media = the pushed %s s; last playlist %s", PUSH.toSeconds(), last)
                .isCloseTo(PUSH.toSeconds(), within(1.0));
    }

    private static void assertSegmentsStartWithKeyframes(Deployment deployment, String bucket, List<String> stored)
            throws Exception {
        for (String key : stored) {
            var packets = io.livechannel.it.support.Ffprobe.packets(deployment.objectUrl(bucket, key), "v");
            assertThat(packets).as("video packets in %s", key).isNotEmpty();
            assertThat(packets.get(0).isKeyframe()).as("%s starts with a keyframe", key).isTrue();
        }
    }

    /** Step 4: the session is in the history with its start, end and remote address. */
    private static void assertHistory(OSS oss, String bucket, Instant pushStarted, Instant pushEnded) {
        List<LiveRecord> history = oss.getLiveChannelHistory(bucket, CHANNEL);
        assertThat(history).hasSize(1);
        LiveRecord record = history.get(0);
        assertThat(record.getStartDate().toInstant()).isBetween(pushStarted.minusSeconds(2),
                pushStarted.plusSeconds(10));
        assertThat(record.getEndDate().toInstant()).isBetween(record.getStartDate().toInstant()
                .plus(PUSH.minusSeconds(5)), pushEnded.plusSeconds(2));
        assertThat(record.getRemoteAddress()).matches("127\\.0\\.0\\.1:\\d+");
    }

    /** Step 4: PostVodPlaylist and GetVodPlaylist cover the session, and ffmpeg decodes the VoD fully. */
    private static void assertVod(Deployment deployment, String bucket, List<String> stored, Instant pushStarted,
            Instant pushEnded) throws Exception {
        OSS oss = deployment.oss();
        long startTime = pushStarted.getEpochSecond() - 1;
        long endTime = pushEnded.getEpochSecond() + 1;
        oss.generateVodPlaylist(bucket, CHANNEL, "vod.m3u8", startTime, endTime);
        MediaPlaylist vod = deployment.playlist(bucket, CHANNEL + "/vod.m3u8")
                .orElseThrow(() -> new AssertionError("PostVodPlaylist wrote no " + CHANNEL + "/vod.m3u8"));
        assertThat(vod.hasEndList()).as("VoD %s", vod).isTrue();
        assertThat(vod.mediaSequence()).as("VoD %s", vod).isZero();
        assertThat(vod.segments()).noneMatch(MediaPlaylist.Segment::discontinuity);
        assertThat(vod.uris().stream().map(u -> CHANNEL + "/" + u).toList()).as("VoD %s", vod)
                .containsExactlyElementsOf(stored);
        assertThat(vod.totalDurationSeconds()).isCloseTo(PUSH.toSeconds(), within(1.0));

        try (OSSObject object = oss.getVodPlaylist(bucket, CHANNEL, startTime, endTime);
                InputStream content = object.getObjectContent()) {
            assertThat(object.getObjectMetadata().getContentType()).isEqualToIgnoringCase("application/x-mpegURL");
            assertThat(new String(content.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(vod.text());
        }

        String vodUrl = deployment.objectUrl(bucket, CHANNEL + "/vod.m3u8");
        DecodeResult decoded = Ffmpeg.decode(vodUrl, Optional.empty(), Duration.ofSeconds(90), run.testDir());
        assertThat(decoded.errorLines()).as("ffmpeg decoding the whole VoD playlist").isEmpty();
        assertThat(decoded.exitCode()).isZero();
        Playback.assertContinuous(vodUrl, PUSH);
    }
}
