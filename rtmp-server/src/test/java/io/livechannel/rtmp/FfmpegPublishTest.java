package io.livechannel.rtmp;

import static io.livechannel.rtmp.support.TestRtmpServer.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.model.GenerateRtmpUriRequest;
import io.livechannel.rtmp.amf.AmfEcmaArray;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.session.ReadBatching;
import io.livechannel.rtmp.support.Ffmpeg;
import io.livechannel.rtmp.support.RecordingSink;
import io.livechannel.rtmp.support.TestRtmpServer;
import io.netty.channel.Channel;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Pushes with the real ffmpeg to URLs made by the official Java SDK's {@code generateRtmpUri} and checks what
 * the {@link MediaSink} received, and what ffmpeg was told on each refusal.
 */
class FfmpegPublishTest {
    private static final String CHANNEL = "test-channel";
    private TestRtmpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestRtmpServer(RtmpLimits.defaults());
        server.authorizer.putChannel(BUCKET, CHANNEL, true);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** What the Java SDK makes for endpoint http://127.0.0.1:port: rtmp://127.0.0.1:port/live/ch?... (no bucket). */
    private String sdkUrl(String bucket, String channel, long expiresEpochSeconds) {
        OSS oss = new OSSClientBuilder().build("http://127.0.0.1:" + server.port(), TestRtmpServer.KEY_ID,
                TestRtmpServer.SECRET);
        try {
            return oss.generateRtmpUri(new GenerateRtmpUriRequest(bucket, channel, "playlist.m3u8", expiresEpochSeconds));
        } finally {
            oss.shutdown();
        }
    }

    private long inOneHour() {
        return server.clock.instant().getEpochSecond() + 3600;
    }

    @Test
    void ffmpegPushToJavaSdkUrlDeliversH264AndAacFramesWithTimestamps() throws Exception {
        String url = sdkUrl(BUCKET, CHANNEL, inOneHour());
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        assertThat(url).startsWith("rtmp://127.0.0.1:" + server.port() + "/live/" + CHANNEL + "?");
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(url, 3, List.of())) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);

            assertThat(sink.info.bucket()).isEqualTo(BUCKET);
            assertThat(sink.info.channel()).isEqualTo(CHANNEL);
            assertThat(sink.info.playlistName()).isEqualTo("playlist.m3u8");
            assertThat(sink.info.remoteAddress()).startsWith("127.0.0.1:");

            List<RecordingSink.Frame> video = sink.frames('V');
            // first: AVC sequence header (keyframe 1 | codec 7 = 0x17, AVCPacketType 0)
            assertThat(video.get(0).firstByte()).isEqualTo(0x17);
            assertThat(video.get(0).secondByte()).isEqualTo(0);
            // last: AVC end of sequence (AVCPacketType 2), which ffmpeg's flv muxer writes on close
            assertThat(video.get(video.size() - 1).secondByte()).isEqualTo(2);
            List<RecordingSink.Frame> pictures = video.subList(1, video.size() - 1);
            assertThat(pictures).hasSize(75); // 3 s at 25 fps
            assertThat(pictures.get(0).firstByte()).isEqualTo(0x17); // starts on a keyframe
            long first = pictures.get(0).timestampMillis();
            assertThat(first).isBetween(0L, 50L); // ffmpeg offsets video by the AAC encoder delay (23 ms)
            for (int i = 0; i < pictures.size(); i++) {
                assertThat(pictures.get(i).timestampMillis()).as("frame %d", i).isEqualTo(first + 40L * i);
                assertThat(pictures.get(i).secondByte()).isEqualTo(1); // AVC NALU
            }
            List<RecordingSink.Frame> audio = sink.frames('A');
            // AAC sequence header: SoundFormat 10, 44 kHz, 16 bit, stereo flag = 0xAF; AACPacketType 0
            assertThat(audio.get(0).firstByte()).isEqualTo(0xAF);
            assertThat(audio.get(0).secondByte()).isEqualTo(0);
            List<RecordingSink.Frame> aac = audio.subList(1, audio.size());
            assertThat(aac.size()).isBetween(125, 131); // 3 s of 1024-sample frames at 44.1 kHz = 129.2
            for (int i = 1; i < aac.size(); i++) {
                long step = aac.get(i).timestampMillis() - aac.get(i - 1).timestampMillis();
                assertThat(step).as("audio step %d", i).isBetween(22L, 24L);
            }
            assertThat(sink.metaData).hasSize(1);
            AmfEcmaArray meta = (AmfEcmaArray) sink.metaData.get(0);
            assertThat(meta.get("width")).contains(new AmfNumber(320));
            assertThat(meta.get("height")).contains(new AmfNumber(240));
            assertThat(sink.threads).allMatch(t -> t.startsWith("multiThreadIoEventLoopGroup"));
            assertThat(server.registry.isLive(BUCKET, CHANNEL)).isFalse();
        } finally {
            root.detachAppender(logs);
        }
        String signature = url.replaceFirst(".*Signature=([^&]+).*", "$1");
        assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain(signature, URLDecoder.decode(signature, StandardCharsets.UTF_8), TestRtmpServer.KEY_ID));
        assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("publish started"));
    }

    /**
     * With epoll (the server's default transport here) a real-time publisher's socket gets a receive low-water
     * mark after the first second of its rate, and batching the reads loses and reorders nothing: every frame
     * arrives, and the end of the publish (FCUnpublish, deleteStream, then close) is still an unpublish.
     */
    @Test
    void aRealTimePushIsReadInBatchesAndEveryFrameArrivesInOrder() throws Exception {
        assertThat(TestRtmpServer.EPOLL).as("native epoll loads here").isTrue();
        List<String> codec = List.of("-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", "-g", "50",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k"); // about 2 Mbit/s: a mark of several kB
        try (Ffmpeg ffmpeg = Ffmpeg.push(sdkUrl(BUCKET, CHANNEL, inOneHour()), 4, codec)) {
            RecordingSink sink = server.listener.next(20);
            Channel connection = server.connections.poll(5, TimeUnit.SECONDS);
            int mark = 1;
            for (int i = 0; i < 30 && mark <= 1 && connection.isActive(); i++) {
                Thread.sleep(100);
                mark = connection.eventLoop().submit(() -> connection.pipeline().get("rtmp-read-batching") == null ? 1
                        : connection.config().getOption(ReadBatching.SO_RCVLOWAT)).get(5, TimeUnit.SECONDS);
            }
            assertThat(mark).as("the socket's SO_RCVLOWAT while publishing").isGreaterThanOrEqualTo(1024);

            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);
            List<RecordingSink.Frame> video = sink.frames('V');
            List<RecordingSink.Frame> pictures = video.subList(1, video.size() - 1); // less the header and the end
            assertThat(pictures).hasSize(100); // 4 s at 25 fps
            for (int i = 1; i < pictures.size(); i++) {
                assertThat(pictures.get(i).timestampMillis() - pictures.get(i - 1).timestampMillis())
                        .as("frame %d", i).isEqualTo(40L);
            }
            assertThat(sink.frames('A').size()).isBetween(168, 176); // the header + 4 s of 1024-sample frames (172.3)
        }
    }

    @Test
    void bucketInApplicationPathAsOss2WritesIt() throws Exception {
        String sdk = sdkUrl(BUCKET, CHANNEL, inOneHour());
        String url = "rtmp://127.0.0.1:" + server.port() + "/" + BUCKET + "/live/" + CHANNEL + sdk.substring(sdk.indexOf('?'));
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(url, 1, List.of())) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);
            assertThat(sink.info.bucket()).isEqualTo(BUCKET);
            assertThat(sink.frames('V')).hasSizeGreaterThan(20);
        }
    }

    @Test
    void bucketAsFirstLabelOfTcUrlHostAsOnRealOss() throws Exception {
        server.authorizer.putChannel("otherbucket", CHANNEL, true);
        String sdk = sdkUrl("otherbucket", CHANNEL, inOneHour());
        // the encoder connects to 127.0.0.1 but names the virtual host in tcUrl, as with a DNS name
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(sdk, 1, List.of(), "-rtmp_tcurl",
                "rtmp://otherbucket.oss-cn-hangzhou.aliyuncs.com:" + server.port() + "/live")) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            assertThat(sink.info.bucket()).isEqualTo("otherbucket");
        }
    }

    @Test
    void queryOnTheApplicationWithABareStreamKeyAsObsSendsIt() throws Exception {
        String sdk = sdkUrl(BUCKET, CHANNEL, inOneHour());
        String query = sdk.substring(sdk.indexOf('?'));
        String server = "rtmp://127.0.0.1:" + this.server.port() + "/live" + query;
        // OBS: Server = rtmp://host:port/live?<query>, Stream Key = <channel>
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(server, 1, List.of(), "-rtmp_app", "live" + query, "-rtmp_tcurl", server,
                "-rtmp_playpath", CHANNEL)) {
            RecordingSink sink = this.server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            // ffmpeg exits once its bytes are in the socket; the publish ends after the server has read them all
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);
            assertThat(sink.info.channel()).isEqualTo(CHANNEL);
            assertThat(sink.frames('V')).hasSizeGreaterThan(20);
        }
    }

    @Test
    void timestampsPastTheExtendedTimestampThresholdArriveIntact() throws Exception {
        // 16800 s = 16,800,000 ms > 0xFFFFFF: ffmpeg sends extended timestamps on fmt 0 and fmt 3 chunks
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(sdkUrl(BUCKET, CHANNEL, inOneHour()), 2, List.of(), "-output_ts_offset",
                "16800")) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            // ffmpeg exits once its bytes are in the socket; the publish ends after the server has read them all
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);
            List<RecordingSink.Frame> pictures = sink.frames('V').stream().filter(f -> f.secondByte() == 1).toList();
            assertThat(pictures).hasSize(50);
            long first = pictures.get(0).timestampMillis();
            assertThat(first).isBetween(16_800_000L, 16_800_050L);
            for (int i = 0; i < pictures.size(); i++) {
                assertThat(pictures.get(i).timestampMillis()).as("frame %d", i).isEqualTo(first + 40L * i);
            }
        }
    }

    @Test
    void sameChannelNameInTwoBucketsIsResolvedBySignature() throws Exception {
        server.authorizer.putChannel("otherbucket", CHANNEL, true);
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(sdkUrl("otherbucket", CHANNEL, inOneHour()), 1, List.of())) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            assertThat(sink.info.bucket()).isEqualTo("otherbucket");
        }
    }

    @Test
    void badSignatureIsDenied() throws Exception {
        String url = sdkUrl(BUCKET, CHANNEL, inOneHour()).replaceFirst("Signature=[^&]+", "Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D");
        assertRefused(url, "NetStream.Publish.Denied", "the signature does not match");
    }

    @Test
    void expiredUrlIsDenied() throws Exception {
        String url = sdkUrl(BUCKET, CHANNEL, server.clock.instant().getEpochSecond() - 1);
        assertRefused(url, "NetStream.Publish.Denied", "the push URL has expired");
    }

    @Test
    void unknownChannelIsBadName() throws Exception {
        assertRefused(sdkUrl(BUCKET, "no-such-channel", inOneHour()), "NetStream.Publish.BadName",
                "no live channel named no-such-channel");
    }

    @Test
    void disabledChannelIsDenied() throws Exception {
        server.authorizer.putChannel(BUCKET, CHANNEL, false);
        assertRefused(sdkUrl(BUCKET, CHANNEL, inOneHour()), "NetStream.Publish.Denied",
                "channel test-channel is disabled");
    }

    @Test
    void nonH264VideoIsRefusedWithReason() throws Exception {
        try (Ffmpeg ffmpeg = Ffmpeg.push(sdkUrl(BUCKET, CHANNEL, inOneHour()), 2,
                List.of("-c:v", "flv", "-c:a", "aac"))) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).isNotZero();
            assertThat(ffmpeg.output()).contains("video codec id 2 is not supported; send H.264");
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNSUPPORTED_MEDIA);
            assertThat(sink.frames('V')).isEmpty();
        }
    }

    @Test
    void nonAacAudioIsDroppedAndVideoContinues() throws Exception {
        try (Ffmpeg ffmpeg = Ffmpeg.pushFast(sdkUrl(BUCKET, CHANNEL, inOneHour()), 2,
                List.of("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "libmp3lame"))) {
            RecordingSink sink = server.listener.next(20);
            assertThat(ffmpeg.await(30)).as(ffmpeg.output()).isZero();
            assertThat(sink.end.get(30, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);
            assertThat(sink.frames('A')).isEmpty();
            assertThat(sink.frames('V')).hasSizeGreaterThan(45);
        }
    }

    @Test
    void secondPublisherIsRefusedAndDisablingTheChannelDisconnectsTheFirstWithinOneSecond() throws Exception {
        String url = sdkUrl(BUCKET, CHANNEL, inOneHour());
        try (Ffmpeg first = Ffmpeg.push(url, 30)) {
            RecordingSink sink = server.listener.next(20);
            awaitFrames(sink, 10);
            assertThat(server.registry.isLive(BUCKET, CHANNEL)).isTrue();
            assertLiveStatistics();

            try (Ffmpeg second = Ffmpeg.push(url, 2)) {
                assertThat(second.await(30)).isNotZero();
                assertThat(second.output()).contains("channel already has a live publisher");
            }
            assertThat(server.listener.sinks).isEmpty();
            assertThat(sink.end).isNotDone();

            server.authorizer.putChannel(BUCKET, CHANNEL, false);
            long kickedAt = System.nanoTime();
            var kicked = server.registry.kick(BUCKET, CHANNEL);
            assertThat(sink.end.get(1, TimeUnit.SECONDS)).isEqualTo(EndReason.KICKED);
            assertThat(kicked.get(1, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - kickedAt).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(first.await(10)).isNotZero();
            assertThat(first.output()).contains("the channel was disabled or deleted");
            assertThat(server.registry.isLive(BUCKET, CHANNEL)).isFalse();
        }
        assertRefused(url, "NetStream.Publish.Denied", "channel test-channel is disabled");
    }

    @Test
    void frozenPublisherIsReplacedByAReconnectAfterTheIdleTimeout() throws Exception {
        String url = sdkUrl(BUCKET, CHANNEL, inOneHour());
        try (Ffmpeg frozen = Ffmpeg.push(url, 30)) {
            RecordingSink old = server.listener.next(20);
            awaitFrames(old, 10);
            frozen.signal("STOP"); // the encoder hangs; its TCP connection stays open
            awaitNoNewFrames(old);
            server.clock.advance(RtmpLimits.DEFAULT_IDLE_PUBLISHER_TIMEOUT.plusSeconds(1));

            try (Ffmpeg reconnect = Ffmpeg.pushFast(url, 1, List.of())) {
                RecordingSink fresh = server.listener.next(20);
                assertThat(old.end).isCompletedWithValue(EndReason.REPLACED_IDLE); // delivered before the new start
                assertThat(reconnect.await(30)).as(reconnect.output()).isZero();
                assertThat(fresh.end.get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.UNPUBLISHED);
                assertThat(fresh.frames('V')).hasSizeGreaterThan(20);
            } finally {
                frozen.signal("CONT");
            }
        }
    }

    /** What GetLiveChannelStat will report for the 320x240@25 H.264 + 44.1 kHz AAC 64 kbit/s push. */
    private void assertLiveStatistics() throws InterruptedException {
        for (int i = 0; i < 100 && server.registry.stats(BUCKET, CHANNEL).map(s -> s.video().frameRate()).orElse(0.0) == 0; i++) {
            Thread.sleep(50); // the first one-second bucket
        }
        var stats = server.registry.stats(BUCKET, CHANNEL).orElseThrow();
        assertThat(stats.remoteAddress()).startsWith("127.0.0.1:");
        assertThat(stats.connectedAt()).isBeforeOrEqualTo(server.clock.instant());
        assertThat(stats.video().width()).isEqualTo(320);
        assertThat(stats.video().height()).isEqualTo(240);
        assertThat(stats.video().codec()).isEqualTo("H264");
        assertThat(stats.video().frameRate()).isBetween(15.0, 35.0); // 25 fps in real time; the first bucket is short
        assertThat(stats.video().bandwidthBitsPerSecond()).isGreaterThan(50_000);
        assertThat(stats.audio().sampleRate()).isEqualTo(44100);
        assertThat(stats.audio().codec()).isEqualTo("AAC");
        assertThat(stats.audio().bandwidthBitsPerSecond()).isBetween(30_000L, 120_000L); // -b:a 64k
    }

    private static void awaitFrames(RecordingSink sink, int count) throws InterruptedException {
        for (int i = 0; i < 200 && sink.frames('V').size() < count; i++) {
            Thread.sleep(50); // waiting for a real encoder, not asserting a duration
        }
        assertThat(sink.frames('V')).hasSizeGreaterThanOrEqualTo(count);
    }

    private static void awaitNoNewFrames(RecordingSink sink) throws InterruptedException {
        int before = -1;
        while (before != sink.frames.size()) {
            before = sink.frames.size();
            Thread.sleep(300); // until the frozen encoder's last bytes are in
        }
    }

    private void assertRefused(String url, String code, String description) throws Exception {
        try (Ffmpeg ffmpeg = Ffmpeg.push(url, 2)) {
            assertThat(ffmpeg.await(30)).isNotZero();
            // ffmpeg prints "Server error: <description>" for an onStatus of level error
            assertThat(ffmpeg.output()).contains(description);
        }
        assertThat(server.listener.sinks).as("no publish may start (%s)", code).isEmpty();
    }
}
