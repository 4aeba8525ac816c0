package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.CannedAccessControlList;
import com.aliyun.oss.model.CreateLiveChannelRequest;
import com.aliyun.oss.model.CreateLiveChannelResult;
import com.aliyun.oss.model.ListLiveChannelsRequest;
import com.aliyun.oss.model.LiveChannel;
import com.aliyun.oss.model.LiveChannelInfo;
import com.aliyun.oss.model.LiveChannelListing;
import com.aliyun.oss.model.LiveChannelStat;
import com.aliyun.oss.model.LiveChannelStatus;
import com.aliyun.oss.model.LiveChannelTarget;
import com.aliyun.oss.model.LiveRecord;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.ObjectListing;
import com.aliyun.oss.model.PushflowStatus;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.SegmentRecord;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every LiveChannel method of the official Java SDK, plus getObject/listObjects/deleteObject on the objects a
 * channel produces, against the running API: path-style ({@code 127.0.0.1}) and virtual-hosted endpoints, each
 * with signature V1 and V4.
 */
class LiveChannelSdkTest {
    static final String BUCKET = ApiTestServer.BUCKET;

    @TempDir
    Path dir;
    ApiTestServer server;
    OSS oss;

    @AfterEach
    void stop() throws Exception {
        if (oss != null) {
            oss.shutdown();
        }
        server.close();
    }

    private OSS start(OssClients variant) throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        oss = variant.client(server.port());
        return oss;
    }

    private static CreateLiveChannelRequest create(String name, int fragDuration) {
        return new CreateLiveChannelRequest(BUCKET, name, "my desc", LiveChannelStatus.Enabled,
                new LiveChannelTarget("HLS", fragDuration, 3, "playlist.m3u8"));
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void createInfoStatusAndDeleteWorkThroughTheSdk(OssClients variant) throws Exception {
        OSS client = start(variant);
        int port = server.port();

        CreateLiveChannelResult created = client.createLiveChannel(create("ch-1", 2));
        String bucketPath = variant.isVirtualHosted() ? "" : "/" + BUCKET;
        assertThat(created.getPublishUrls()).containsExactly(
                "rtmp://" + variant.bucketAuthority(port) + bucketPath + "/live/ch-1");
        assertThat(created.getPlayUrls()).containsExactly(
                "http://" + variant.bucketAuthority(port) + bucketPath + "/ch-1/playlist.m3u8");

        LiveChannelInfo info = client.getLiveChannelInfo(BUCKET, "ch-1");
        assertThat(info.getDescription()).isEqualTo("my desc");
        assertThat(info.getStatus()).isEqualTo(LiveChannelStatus.Enabled);
        assertThat(info.getTarget().getType()).isEqualTo("HLS");
        assertThat(info.getTarget().getFragDuration()).isEqualTo(2);
        assertThat(info.getTarget().getFragCount()).isEqualTo(3);
        assertThat(info.getTarget().getPlaylistName()).isEqualTo("playlist.m3u8");
        assertThat(server.metadata.channels().find(BUCKET, "ch-1")).get()
                .satisfies(c -> assertThat(c.fragDurationSeconds()).isEqualTo(2));

        client.setLiveChannelStatus(BUCKET, "ch-1", LiveChannelStatus.Disabled);
        assertThat(client.getLiveChannelInfo(BUCKET, "ch-1").getStatus()).isEqualTo(LiveChannelStatus.Disabled);
        assertThat(client.getLiveChannelStat(BUCKET, "ch-1").getPushflowStatus()).isEqualTo(PushflowStatus.Disabled);
        client.setLiveChannelStatus(BUCKET, "ch-1", LiveChannelStatus.Enabled);
        assertThat(client.getLiveChannelStat(BUCKET, "ch-1").getPushflowStatus()).isEqualTo(PushflowStatus.Idle);

        client.createLiveChannel(create("ch-1", 7)); // re-creating an idle channel replaces it
        assertThat(client.getLiveChannelInfo(BUCKET, "ch-1").getTarget().getFragDuration()).isEqualTo(7);

        client.deleteLiveChannel(BUCKET, "ch-1");
        assertThatThrownBy(() -> client.getLiveChannelInfo(BUCKET, "ch-1")).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NoSuchLiveChannel"));
        assertThat(server.metadata.channels().find(BUCKET, "ch-1")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void statHistoryAndDisableReflectTheLiveSession(OssClients variant) throws Exception {
        OSS client = start(variant);
        client.createLiveChannel(create("cam", 2));
        Instant connected = Instant.parse("2026-11-21T17:00:05Z");
        server.live.publish(BUCKET, "cam", new LiveStat(connected, "203.0.113.5:51234",
                new LiveStat.Video(1280, 720, 30, 2_000_000, "H264"), new LiveStat.Audio(44100, 128_000, "AAC")));
        long first = server.metadata.history().recordStart(BUCKET, "cam", Instant.parse("2026-11-21T16:00:00Z"),
                "198.51.100.7:4000");
        server.metadata.history().recordEnd(first, Instant.parse("2026-11-21T16:30:00Z"));
        server.metadata.history().recordStart(BUCKET, "cam", connected, "203.0.113.5:51234");

        LiveChannelStat stat = client.getLiveChannelStat(BUCKET, "cam");
        assertThat(stat.getPushflowStatus()).isEqualTo(PushflowStatus.Live);
        assertThat(stat.getConnectedDate().toInstant()).isEqualTo(connected);
        assertThat(stat.getRemoteAddress()).isEqualTo("203.0.113.5:51234");
        assertThat(stat.getVideoStat().getWidth()).isEqualTo(1280);
        assertThat(stat.getVideoStat().getHeight()).isEqualTo(720);
        assertThat(stat.getVideoStat().getFrameRate()).isEqualTo(30);
        assertThat(stat.getVideoStat().getBandWidth()).isEqualTo(2_000_000);
        assertThat(stat.getVideoStat().getCodec()).isEqualTo("H264");
        assertThat(stat.getAudioStat().getSampleRate()).isEqualTo(44100);
        assertThat(stat.getAudioStat().getCodec()).isEqualTo("AAC");

        List<LiveRecord> history = client.getLiveChannelHistory(BUCKET, "cam");
        assertThat(history).hasSize(1); // the push in progress has no EndTime yet and is not listed
        assertThat(history.get(0).getStartDate().toInstant()).isEqualTo(Instant.parse("2026-11-21T16:00:00Z"));
        assertThat(history.get(0).getEndDate().toInstant()).isEqualTo(Instant.parse("2026-11-21T16:30:00Z"));
        assertThat(history.get(0).getRemoteAddress()).isEqualTo("198.51.100.7:4000");

        assertThatThrownBy(() -> client.createLiveChannel(create("cam", 5))).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("ChannelStillLive"));
        assertThatThrownBy(() -> client.deleteLiveChannel(BUCKET, "cam")).isInstanceOfSatisfying(
                OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("ChannelStillLive"));
        assertThat(client.getLiveChannelInfo(BUCKET, "cam").getTarget().getFragDuration()).isEqualTo(2);

        client.setLiveChannelStatus(BUCKET, "cam", LiveChannelStatus.Disabled);
        assertThat(server.live.wasDisconnected(BUCKET, "cam")).isTrue();
        assertThat(client.getLiveChannelStat(BUCKET, "cam").getPushflowStatus()).isEqualTo(PushflowStatus.Disabled);
        client.deleteLiveChannel(BUCKET, "cam");
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void listPagesByPrefixMarkerAndMaxKeys(OssClients variant) throws Exception {
        OSS client = start(variant);
        for (String name : List.of("ch-3", "ch-1", "other", "ch-2")) {
            client.createLiveChannel(create(name, 2));
        }
        LiveChannelListing page1 = client.listLiveChannels(new ListLiveChannelsRequest(BUCKET, "ch-", "", 2));
        assertThat(page1.getLiveChannels()).extracting(LiveChannel::getName).containsExactly("ch-1", "ch-2");
        assertThat(page1.isTruncated()).isTrue();
        assertThat(page1.getNextMarker()).isEqualTo("ch-2");
        assertThat(page1.getLiveChannels().get(0).getPublishUrls()).hasSize(1);
        assertThat(page1.getLiveChannels().get(0).getPlayUrls()).hasSize(1);
        assertThat(page1.getLiveChannels().get(0).getLastModified()).isNotNull();

        LiveChannelListing page2 = client.listLiveChannels(
                new ListLiveChannelsRequest(BUCKET, "ch-", page1.getNextMarker(), 2));
        assertThat(page2.getLiveChannels()).extracting(LiveChannel::getName).containsExactly("ch-3");
        assertThat(page2.isTruncated()).isFalse();

        assertThat(client.listLiveChannels(BUCKET)).extracting(LiveChannel::getName)
                .containsExactly("ch-1", "ch-2", "ch-3", "other");
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void vodPlaylistsAndGeneratedObjectsCanBeReadListedAndDeleted(OssClients variant) throws Exception {
        OSS client = start(variant);
        client.createLiveChannel(create("ch-1", 2));
        long t0 = 1_763_740_800_000L; // 2025-11-21T16:00:00Z, a segment start in epoch ms
        for (int i = 0; i < 3; i++) {
            String key = "ch-1/" + (t0 + i * 2000L) + ".ts";
            byte[] ts = ("segment " + i).getBytes(StandardCharsets.UTF_8);
            server.objects.put(BUCKET, key, ts, PutOptions.of("video/MP2T"));
            server.metadata.segments().add(new SegmentRecord(BUCKET, "ch-1", key, t0 + i * 2000L, 2_000_000, i,
                    i == 0, ts.length));
        }
        long start = t0 / 1000 - 10;
        long end = t0 / 1000 + 60;
        client.generateVodPlaylist(BUCKET, "ch-1", "vod.m3u8", start, end);
        String stored = read(client.getObject(BUCKET, "ch-1/vod.m3u8"));
        assertThat(stored).startsWith("#EXTM3U\n").contains("#EXTINF:2.000,\n" + t0 + ".ts\n")
                .contains((t0 + 4000) + ".ts\n").endsWith("#EXT-X-ENDLIST\n");
        OSSObject vod = client.getVodPlaylist(BUCKET, "ch-1", start, end);
        assertThat(vod.getObjectMetadata().getContentType()).isEqualTo("application/x-mpegURL");
        assertThat(read(vod)).isEqualTo(stored);

        OSSObject segment = client.getObject(BUCKET, "ch-1/" + t0 + ".ts");
        assertThat(segment.getObjectMetadata().getContentType()).isEqualTo("video/MP2T");
        assertThat(segment.getObjectMetadata().getCacheControl()).contains("immutable");
        assertThat(read(segment)).isEqualTo("segment 0");

        ObjectListing listing = client.listObjects(BUCKET, "ch-1/");
        assertThat(listing.getObjectSummaries()).extracting(s -> s.getKey()).containsExactly(
                "ch-1/" + t0 + ".ts", "ch-1/" + (t0 + 2000) + ".ts", "ch-1/" + (t0 + 4000) + ".ts", "ch-1/vod.m3u8");

        client.deleteObject(BUCKET, "ch-1/" + t0 + ".ts");
        assertThat(client.doesObjectExist(BUCKET, "ch-1/" + t0 + ".ts")).isFalse();
        assertThat(server.objects.head(BUCKET, "ch-1/" + t0 + ".ts")).isEmpty();
        assertThat(read(client.getVodPlaylist(BUCKET, "ch-1", start, end))).doesNotContain(t0 + ".ts");
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void playUrlWorksAsGivenOnAPublicReadBucket(OssClients variant) throws Exception {
        OSS client = start(variant);
        String playUrl = client.createLiveChannel(create("ch-1", 2)).getPlayUrls().get(0);
        server.objects.put(BUCKET, "ch-1/playlist.m3u8", "#EXTM3U\n".getBytes(StandardCharsets.UTF_8),
                PutOptions.of("application/x-mpegURL"));
        client.setBucketAcl(BUCKET, CannedAccessControlList.PublicRead);

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(playUrl)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("#EXTM3U\n");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/x-mpegURL");
        assertThat(response.headers().firstValue("Cache-Control")).contains("public, max-age=1");
        assertThat(response.headers().firstValue("x-oss-request-id")).get().asString().hasSize(24);
    }

    private static String read(OSSObject object) throws Exception {
        try (InputStream in = object.getObjectContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
