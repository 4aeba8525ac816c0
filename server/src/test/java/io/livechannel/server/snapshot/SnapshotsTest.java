package io.livechannel.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.Snapshot;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.ts.PesPayload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which keyframes become snapshots, what is stored, and what happens when the queue is full or the decoder is
 * missing; with the real FFmpeg decoder, a keyframe made by the real ffmpeg, the filesystem store and SQLite.
 */
class SnapshotsTest {
    static final Snapshot EVERY_2_S = new Snapshot("role", "thumbs", "topic", 2);
    static byte[] keyframe;

    @TempDir
    Path dir;
    FileSystemObjectStore objects;
    MetadataStore metadata;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** One 320x240 IDR access unit with its SPS and PPS, as libx264 writes it in Annex B. */
    @BeforeAll
    static void encodeKeyframe() throws Exception {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-frames:v", "1", "-c:v", "libx264", "-profile:v", "high",
                "-f", "h264", "-").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        keyframe = ffmpeg.getInputStream().readAllBytes();
        assertThat(ffmpeg.waitFor()).isZero();
    }

    @BeforeEach
    void open() throws Exception {
        objects = new FileSystemObjectStore(dir.resolve("objects"));
        objects.createBucket("thumbs");
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        metadata.buckets().create(new Bucket("live", BucketAcl.PRIVATE, Instant.EPOCH, List.of()));
        metadata.channels().put(new Channel("live", "cam", "", ChannelStatus.ENABLED, 2, 3, "playlist.m3u8",
                EVERY_2_S, Instant.EPOCH));
        metadata.channels().put(new Channel("live", "plain", "", ChannelStatus.ENABLED, 2, 3, "playlist.m3u8",
                null, Instant.EPOCH));
    }

    @AfterEach
    void close() {
        metadata.close();
        objects.close();
    }

    private Snapshots snapshots(EncoderLoader encoders) {
        return new Snapshots(objects, Clock.systemUTC(), meters, null, encoders);
    }

    private double count(String result) {
        return meters.get("livechannel.snapshots").tag("result", result).counter().count();
    }

    private static PesPayload accessUnit() {
        return new PesPayload().add(Unpooled.wrappedBuffer(keyframe));
    }

    @Test
    void theFirstKeyframeOfEachIntervalBecomesAJpegAndWindowsWithoutOneAreCounted() throws Exception {
        Snapshots snapshots = snapshots(EncoderLoader.libav());
        snapshots.admitted("live", "cam", metadata.channels());
        SnapshotTaker taker = snapshots.start("live", "cam", "test");
        for (long dts : new long[] {1_000, 1_500, 2_999, 3_000, 4_960, 9_000, 9_040}) {
            taker.onKeyframe(dts, accessUnit());
        }
        snapshots.close(Duration.ofSeconds(30)); // takes everything queued

        // windows from 1000 ms: [1000, 3000) [3000, 5000) [5000, 7000) [7000, 9000) [9000, 11000)
        assertThat(count("stored")).isEqualTo(3);
        assertThat(count("no_keyframe")).isEqualTo(2);
        assertThat(count("skipped") + count("failed")).isZero();
        ObjectListing listing = objects.list("thumbs", new ListQuery("cam/", null, null, 100));
        List<String> keys = listing.objects().stream().map(StoredObject::key).toList();
        assertThat(keys).hasSize(3).isSorted().allMatch(k -> k.matches("cam/\\d{13}\\.jpg"));
        for (String key : keys) {
            assertThat(objects.head("thumbs", key)).get().extracting(StoredObject::contentType).isEqualTo("image/jpeg");
            try (ObjectStream stream = objects.get("thumbs", key, null); InputStream in = stream.content()) {
                BufferedImage image = ImageIO.read(in);
                assertThat(List.of(image.getWidth(), image.getHeight())).as(key).containsExactly(320, 240);
            }
        }
    }

    @Test
    void aChannelWithoutSnapshotGetsNoTaker() {
        Snapshots snapshots = snapshots(EncoderLoader.libav());
        snapshots.admitted("live", "plain", metadata.channels());
        assertThat(snapshots.start("live", "plain", "test")).isNull();
        assertThat(snapshots.start("live", "never-admitted", "test")).isNull();
        snapshots.close();
    }

    @Test
    void aFullQueueSkipsSnapshotsAndCountsThemWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JpegEncoder real = EncoderLoader.libav().get();
        Snapshots snapshots = snapshots(new EncoderLoader(() -> annexB -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.encode(annexB);
        }, Optional.empty()));
        snapshots.admitted("live", "cam", metadata.channels());
        SnapshotTaker taker = snapshots.start("live", "cam", "test");
        int offered = Snapshots.THREADS + Snapshots.MAX_QUEUED + 5;
        for (int i = 0; i < offered; i++) {
            taker.onKeyframe(i * 2_000L, accessUnit()); // every one opens a window
        }
        assertThat(count("skipped")).as("the threads are held and the queue is full").isGreaterThanOrEqualTo(5);
        release.countDown();
        snapshots.close(Duration.ofSeconds(60));
        assertThat(count("stored") + count("skipped")).isEqualTo(offered);
    }

    @Test
    void whenTheDecoderDoesNotLoadSnapshotsAreOffAndSayWhy() throws Exception {
        Snapshots snapshots = snapshots(new EncoderLoader(() -> {
            throw new IOException("no FFmpeg build for this test");
        }, Optional.empty()));
        assertThat(snapshots.offReason()).isEmpty();
        snapshots.admitted("live", "cam", metadata.channels()); // starts loading, which fails
        snapshots.close(Duration.ofSeconds(10));
        assertThat(snapshots.offReason()).contains("no FFmpeg build for this test");
        assertThat(snapshots.start("live", "cam", "test")).isNull();
        assertThat(meters.get("livechannel.snapshots.available").gauge().value()).isZero();
    }
}
