package io.livechannel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.it.support.AccessKey;
import io.livechannel.it.support.Concurrently;
import io.livechannel.it.support.Deployment;
import io.livechannel.it.support.Ffmpeg;
import io.livechannel.it.support.MediaPlaylist;
import io.livechannel.it.support.OssClients;
import io.livechannel.it.support.Polling;
import io.livechannel.it.support.Push;
import io.livechannel.it.support.RunDirectory;
import io.livechannel.it.support.StoreBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8's journey, step 5, on both stores: who may publish. Refused pushes must come back to ffmpeg as an RTMP
 * error status (ffmpeg prints "Server error: <description>" and exits non-zero) and leave no trace: the channel
 * stays Idle, no session in the history, no object under {@code <channel>/}. Also: the SDK's URL (made for the
 * HTTP port) works as-is on the RTMP port. One server per store, shared by the class; one channel per test.
 *
 * <p>Longer than the 300-line norm: every behaviour has a {@code _fileSystem} and an {@code _s3} entry point
 * sharing one pair of servers; splitting the class would start a second pair (S3Proxy included) for nothing.
 */
class PushAdmissionTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    private static final String BUCKET = Deployment.BUCKET;
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(20);
    /** The reference service disconnects a disabled channel's publisher within 10 s; we must not be slower. */
    private static final Duration DISABLE_KICK_LIMIT = Duration.ofSeconds(10);

    private static Deployment fileSystem;
    private static Deployment s3;

    private String channel;

    @BeforeAll
    static void startServers() throws Exception {
        // at once: the two JVMs' start-up is most of the class's set-up time
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Future<Deployment> s3Start = starter.submit(() -> Deployment.start(StoreBackend.S3,
                    run.classDir().resolve("s3")));
            try {
                fileSystem = Deployment.start(StoreBackend.FILE_SYSTEM, run.classDir().resolve("fileSystem"));
            } finally {
                s3 = Concurrently.result(s3Start);
            }
        } finally {
            starter.shutdown();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        try (Deployment a = fileSystem; Deployment b = s3) {
            assertThat(a.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the filesystem server").isEmpty();
            assertThat(b.serverLogLines("LEAK:")).as("Netty buffer leaks reported by the S3 server").isEmpty();
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void nameChannel(TestInfo info) {
        channel = "ch-" + info.getTestMethod().orElseThrow().getName().replaceAll("_.*", "").toLowerCase();
    }

    @Test
    void expiredUrlIsRefused_fileSystem() throws Exception {
        expiredUrlIsRefused(fileSystem);
    }

    @Test
    void expiredUrlIsRefused_s3() throws Exception {
        expiredUrlIsRefused(s3);
    }

    private void expiredUrlIsRefused(Deployment deployment) throws Exception {
        createChannel(deployment, LiveChannelStatus.Enabled);
        String expired = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofSeconds(-60));
        assertRefused(deployment, expired);
    }

    @Test
    void forgedUrlsAreRefused_fileSystem() throws Exception {
        forgedUrlsAreRefused(fileSystem);
    }

    @Test
    void forgedUrlsAreRefused_s3() throws Exception {
        forgedUrlsAreRefused(s3);
    }

    private void forgedUrlsAreRefused(Deployment deployment) throws Exception {
        createChannel(deployment, LiveChannelStatus.Enabled);
        String genuine = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
        assertRefused(deployment, withSignature(genuine, "AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"));
        assertRefused(deployment, genuine.replace("playlistName=playlist.m3u8", "playlistName=other.m3u8"));
        OSS forger = OssClients.v1(deployment.server().httpEndpoint(),
                new AccessKey(AccessKey.SERVER.id(), "guessed-secret"));
        try {
            long expires = java.time.Instant.now().plusSeconds(3600).getEpochSecond();
            assertRefused(deployment, forger.generateRtmpUri(BUCKET, channel, "playlist.m3u8", expires));
        } finally {
            forger.shutdown();
        }
    }

    /** As the HTTP API checks any signature it is given, a public-read-write bucket refuses one that is wrong. */
    @Test
    void publicReadWriteBucketAdmitsUnsignedPushesButRefusesAForgedSignature_fileSystem() throws Exception {
        String open = "open-rw";
        OSS oss = fileSystem.oss();
        oss.createBucket(new com.aliyun.oss.model.CreateBucketRequest(open)
                .withCannedACL(com.aliyun.oss.model.CannedAccessControlList.PublicReadWrite));
        oss.createLiveChannel(new CreateLiveChannelRequest(open, channel, "admission", LiveChannelStatus.Enabled,
                new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
        String genuine = fileSystem.signedPushUrl(open, channel, "playlist.m3u8", Duration.ofHours(1));

        try (Push forged = Ffmpeg.push(withSignature(genuine, "AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"),
                Duration.ofSeconds(30), run.testDir())) {
            assertRefusedByServer(forged);
        }
        try (Push unsigned = Ffmpeg.push(genuine.substring(0, genuine.indexOf('?')), Duration.ofSeconds(3),
                run.testDir())) {
            assertThat(unsigned.awaitExit(Duration.ofSeconds(30))).as("unsigned push; log:\n%s", unsigned.log())
                    .isZero();
        }
        // The push record's end is committed after the publish's last writes, a moment after ffmpeg exits.
        assertThat(Polling.await("the unsigned push's record ended", Duration.ofSeconds(10),
                () -> oss.getLiveChannelHistory(open, channel),
                records -> !records.isEmpty() && records.get(records.size() - 1).getEndDate() != null
                        && records.get(records.size() - 1).getEndDate()
                                .after(records.get(records.size() - 1).getStartDate())))
                .as("only the unsigned push was admitted").hasSize(1);
    }

    @Test
    void disabledChannelIsRefusedUntilEnabledAgain_fileSystem() throws Exception {
        disabledChannelIsRefusedUntilEnabledAgain(fileSystem);
    }

    @Test
    void disabledChannelIsRefusedUntilEnabledAgain_s3() throws Exception {
        disabledChannelIsRefusedUntilEnabledAgain(s3);
    }

    private void disabledChannelIsRefusedUntilEnabledAgain(Deployment deployment) throws Exception {
        OSS oss = deployment.oss();
        createChannel(deployment, LiveChannelStatus.Disabled);
        assertThat(oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus()).isEqualTo(PushflowStatus.Disabled);
        String url = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
        assertRefused(deployment, url);

        oss.setLiveChannelStatus(BUCKET, channel, LiveChannelStatus.Enabled);
        assertThat(oss.getLiveChannelInfo(BUCKET, channel).getStatus()).isEqualTo(LiveChannelStatus.Enabled);
        assertShortPushIsStored(deployment, url);
    }

    @Test
    void secondPublisherIsRefusedWhileTheFirstKeepsPushing_fileSystem() throws Exception {
        secondPublisherIsRefusedWhileTheFirstKeepsPushing(fileSystem);
    }

    @Test
    void secondPublisherIsRefusedWhileTheFirstKeepsPushing_s3() throws Exception {
        secondPublisherIsRefusedWhileTheFirstKeepsPushing(s3);
    }

    private void secondPublisherIsRefusedWhileTheFirstKeepsPushing(Deployment deployment) throws Exception {
        OSS oss = deployment.oss();
        createChannel(deployment, LiveChannelStatus.Enabled);
        String url = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
        try (Push first = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
            String firstAddress = awaitLive(oss).getRemoteAddress();
            try (Push second = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
                assertRefusedByServer(second);
            }
            try (Push secondOnRtmpPort = Ffmpeg.push(deployment.onRtmpPort(url), Duration.ofSeconds(60),
                    run.testDir())) {
                assertRefusedByServer(secondOnRtmpPort);
            }
            assertThat(first.isAlive()).as("the first publisher is still pushing; its log:\n%s", first.log())
                    .isTrue();
            assertThat(oss.getLiveChannelStat(BUCKET, channel).getRemoteAddress()).isEqualTo(firstAddress);
            int segments = deployment.segmentKeys(BUCKET, channel).size();
            Polling.await("a new segment from the first publisher after the refusals", Duration.ofSeconds(15),
                    () -> deployment.segmentKeys(BUCKET, channel).size(), n -> n > segments);
        }
    }

    @Test
    void deletingOrRecreatingALiveChannelIsRefused_fileSystem() throws Exception {
        deletingOrRecreatingALiveChannelIsRefused(fileSystem);
    }

    @Test
    void deletingOrRecreatingALiveChannelIsRefused_s3() throws Exception {
        deletingOrRecreatingALiveChannelIsRefused(s3);
    }

    private void deletingOrRecreatingALiveChannelIsRefused(Deployment deployment) throws Exception {
        OSS oss = deployment.oss();
        createChannel(deployment, LiveChannelStatus.Enabled);
        String url = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
        try (Push push = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
            awaitLive(oss);
            Polling.await("a first segment stored", Duration.ofSeconds(15),
                    () -> deployment.segmentKeys(BUCKET, channel), keys -> !keys.isEmpty());
            OSSException delete = catchThrowableOfType(OSSException.class,
                    () -> oss.deleteLiveChannel(BUCKET, channel));
            assertThat(delete).as("DeleteLiveChannel while live").isNotNull();
            assertThat(delete.getErrorCode()).isEqualTo("ChannelStillLive");
            OSSException recreate = catchThrowableOfType(OSSException.class, () -> oss.createLiveChannel(
                    new CreateLiveChannelRequest(BUCKET, channel, "replaced", LiveChannelStatus.Enabled,
                            new LiveChannelTarget("HLS", 5, 3, "playlist.m3u8"))));
            assertThat(recreate).as("PutLiveChannel over a live channel").isNotNull();
            assertThat(recreate.getErrorCode()).isEqualTo("ChannelStillLive");

            assertThat(oss.getLiveChannelInfo(BUCKET, channel).getTarget().getFragDuration()).isEqualTo(2);
            assertThat(oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus()).isEqualTo(PushflowStatus.Live);
            assertThat(push.isAlive()).as("the publisher is still pushing; its log:\n%s", push.log()).isTrue();
        }
        Polling.await("Idle after the publisher is gone", Duration.ofSeconds(10),
                () -> oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus(), s -> s == PushflowStatus.Idle);
        List<String> segments = deployment.segmentKeys(BUCKET, channel);
        oss.deleteLiveChannel(BUCKET, channel);
        assertThat(oss.listLiveChannels(BUCKET)).extracting(c -> c.getName()).doesNotContain(channel);
        assertThat(segments).as("segments before the delete").isNotEmpty();
        assertThat(deployment.segmentKeys(BUCKET, channel)).as("a deleted channel's files are kept")
                .containsAll(segments);
        assertThat(deployment.getPublic(BUCKET, channel + "/playlist.m3u8")).as("its playlist is kept").isPresent();
    }

    @Test
    void disablingALiveChannelDisconnectsItsPublisher_fileSystem() throws Exception {
        disablingALiveChannelDisconnectsItsPublisher(fileSystem);
    }

    @Test
    void disablingALiveChannelDisconnectsItsPublisher_s3() throws Exception {
        disablingALiveChannelDisconnectsItsPublisher(s3);
    }

    private void disablingALiveChannelDisconnectsItsPublisher(Deployment deployment) throws Exception {
        OSS oss = deployment.oss();
        createChannel(deployment, LiveChannelStatus.Enabled);
        String url = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
        try (Push push = Ffmpeg.push(url, Duration.ofSeconds(60), run.testDir())) {
            awaitLive(oss);
            oss.setLiveChannelStatus(BUCKET, channel, LiveChannelStatus.Disabled);
            assertThat(push.awaitExit(DISABLE_KICK_LIMIT)).as("ffmpeg's exit code after the channel was disabled")
                    .isNotZero();
        }
        assertThat(oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus()).isEqualTo(PushflowStatus.Disabled);
        assertThat(oss.getLiveChannelHistory(BUCKET, channel)).as("the kicked session is recorded").hasSize(1);
        assertRefused(deployment, url);
    }

    @Test
    void sdkUrlIsAcceptedOnTheRtmpPortToo_fileSystem() throws Exception {
        sdkUrlIsAcceptedOnTheRtmpPortToo(fileSystem);
    }

    @Test
    void sdkUrlIsAcceptedOnTheRtmpPortToo_s3() throws Exception {
        sdkUrlIsAcceptedOnTheRtmpPortToo(s3);
    }

    private void sdkUrlIsAcceptedOnTheRtmpPortToo(Deployment deployment) throws Exception {
        createChannel(deployment, LiveChannelStatus.Enabled);
        String url = deployment.signedPushUrl(BUCKET, channel, "playlist.m3u8", Duration.ofHours(1));
        assertShortPushIsStored(deployment, deployment.onRtmpPort(url));
    }

    @Test
    void sdkV4ClientSetsUpAChannelWhosePushUrlIsAccepted_fileSystem() throws Exception {
        sdkV4ClientSetsUpAChannelWhosePushUrlIsAccepted(fileSystem);
    }

    @Test
    void sdkV4ClientSetsUpAChannelWhosePushUrlIsAccepted_s3() throws Exception {
        sdkV4ClientSetsUpAChannelWhosePushUrlIsAccepted(s3);
    }

    private void sdkV4ClientSetsUpAChannelWhosePushUrlIsAccepted(Deployment deployment) throws Exception {
        OSS v4 = OssClients.v4(deployment.server().httpEndpoint(), AccessKey.SERVER, "cn-hangzhou");
        try {
            v4.createLiveChannel(new CreateLiveChannelRequest(BUCKET, channel, "signed with V4",
                    LiveChannelStatus.Enabled, new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
            assertThat(v4.getLiveChannelInfo(BUCKET, channel).getDescription()).isEqualTo("signed with V4");
            assertThat(v4.getLiveChannelStat(BUCKET, channel).getPushflowStatus()).isEqualTo(PushflowStatus.Idle);
            long expires = java.time.Instant.now().plusSeconds(3600).getEpochSecond();
            assertShortPushIsStored(deployment, v4.generateRtmpUri(BUCKET, channel, "playlist.m3u8", expires));
            assertThat(v4.getLiveChannelHistory(BUCKET, channel)).hasSize(1);
            v4.deleteLiveChannel(BUCKET, channel);
            assertThat(deployment.oss().listLiveChannels(BUCKET)).extracting(c -> c.getName())
                    .doesNotContain(channel);
        } finally {
            v4.shutdown();
        }
    }

    private void createChannel(Deployment deployment, LiveChannelStatus status) {
        deployment.oss().createLiveChannel(new CreateLiveChannelRequest(BUCKET, channel, "admission", status,
                new LiveChannelTarget("HLS", 2, 3, "playlist.m3u8")));
    }

    private com.aliyun.oss.model.LiveChannelStat awaitLive(OSS oss) {
        return Polling.await("GetLiveChannelStat Live", Duration.ofSeconds(15),
                () -> oss.getLiveChannelStat(BUCKET, channel), s -> s.getPushflowStatus() == PushflowStatus.Live);
    }

    /** ffmpeg is refused with an RTMP error, and the channel shows no trace of the attempt. */
    private void assertRefused(Deployment deployment, String url) throws Exception {
        OSS oss = deployment.oss();
        PushflowStatus statusBefore = oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus();
        int historyBefore = oss.getLiveChannelHistory(BUCKET, channel).size();
        var objectsBefore = deployment.listObjects(BUCKET, channel + "/").stream()
                .map(o -> o.getKey() + " " + o.getSize() + " " + o.getETag()).toList();
        try (Push push = Ffmpeg.push(url, Duration.ofSeconds(30), run.testDir())) {
            assertRefusedByServer(push);
        }
        assertThat(oss.getLiveChannelStat(BUCKET, channel).getPushflowStatus()).isEqualTo(statusBefore);
        assertThat(oss.getLiveChannelHistory(BUCKET, channel)).as("history after a refused push")
                .hasSize(historyBefore);
        assertThat(deployment.listObjects(BUCKET, channel + "/").stream()
                .map(o -> o.getKey() + " " + o.getSize() + " " + o.getETag()).toList())
                .as("objects under %s/ after a refused push", channel).isEqualTo(objectsBefore);
    }

    private static void assertRefusedByServer(Push push) throws Exception {
        int exit = push.awaitExit(REFUSAL_TIMEOUT);
        String log = push.log();
        assertThat(exit).as("ffmpeg's exit code when refused; its log:\n%s", log).isNotZero();
        assertThat(log).as("ffmpeg's log: the server answered with an RTMP error status").contains("Server error");
    }

    /** A 4 s push goes Live, ends cleanly, and its segments and finished playlist are stored. */
    private void assertShortPushIsStored(Deployment deployment, String url) throws Exception {
        try (Push push = Ffmpeg.push(url, Duration.ofSeconds(4), run.testDir())) {
            awaitLive(deployment.oss());
            assertThat(push.awaitExit(Duration.ofSeconds(30))).as("ffmpeg's exit code; its log:\n%s", push.log())
                    .isZero();
        }
        MediaPlaylist playlist = Polling.await("#EXT-X-ENDLIST", Duration.ofSeconds(15),
                () -> deployment.playlist(BUCKET, channel + "/playlist.m3u8"),
                p -> p.isPresent() && p.get().hasEndList()).orElseThrow();
        assertThat(playlist.segments()).isNotEmpty();
        assertThat(deployment.segmentKeys(BUCKET, channel)).as("stored segments")
                .containsAll(playlist.uris().stream().map(u -> channel + "/" + u).toList());
        assertThat(playlist.totalDurationSeconds()).as("media of a 4 s push %s", playlist)
                .isCloseTo(4.0, org.assertj.core.api.Assertions.within(1.0));
    }

    private static String withSignature(String url, String signature) {
        Matcher m = Pattern.compile("Signature=[^&]*").matcher(url);
        assertThat(m.find()).as("the SDK URL has a Signature parameter").isTrue();
        return url.substring(0, m.start()) + "Signature=" + signature + url.substring(m.end());
    }
}
