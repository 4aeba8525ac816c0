package io.livechannel.storage.s3;

import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.write.FlakyObjectStore;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.storage.write.WriteQueueConfig;
import io.livechannel.storage.write.WriteQueueMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage failure test: a live channel's segments and playlists go through the write queue to a real S3
 * server (S3Proxy); the server is stopped mid-stream and started again on the same port with the same contents.
 * Every segment written meanwhile must be in the bucket afterwards, intact, and stored in submission order. The
 * playlist versions that piled up in the spool may be coalesced (only the newest queued version is stored), so the
 * stored keys are the submitted ones in order with some playlist writes left out, and the last is the playlist.
 */
class S3OutageTest {
    private static final String BUCKET = "live";
    private static final int SEGMENTS = 24;

    @TempDir
    Path tmp;
    private S3ProxyServer server;
    private FlakyObjectStore recording; // never switched down here: it only records the order of stored keys
    private ExecutorService executor;

    @BeforeEach
    void start() throws Exception {
        server = S3ProxyServer.start();
        S3StoreConfig base = server.config();
        S3StoreConfig config = new S3StoreConfig(base.endpoint(), base.region(), base.accessKeyId(),
                base.secretAccessKey(), true, tmp.resolve("s3-staging"), Duration.ofSeconds(5));
        recording = new FlakyObjectStore(new S3ObjectStore(config));
        recording.createBucket(BUCKET);
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        recording.close();
        server.close();
    }

    @Test
    void everySegmentWrittenDuringAnOutageIsStoredInOrderAfterTheServerReturns() throws Exception {
        Path spool = tmp.resolve("spool");
        WriteQueueConfig config = new WriteQueueConfig(spool, 1000, 64 << 20, Duration.ofMillis(20),
                Duration.ofMillis(200), 3, Duration.ofSeconds(5));
        List<String> submitted = new ArrayList<>();
        List<CompletableFuture<StoredObject>> futures = new ArrayList<>();
        CountDownLatch outageWritesReleased = new CountDownLatch(16); // 8 segments + 8 playlists
        try (ObjectWriteQueue queue = new ObjectWriteQueue(recording, executor, config)) {
            for (int i = 0; i < SEGMENTS; i++) {
                boolean duringOutage = i >= 8 && i < 16;
                Runnable release = duringOutage ? outageWritesReleased::countDown : () -> { };
                String segment = "cam1/" + (1_700_000_000_000L + i * 2000L) + ".ts";
                futures.add(queue.submit("live/cam1", BUCKET, segment, ByteBuffer.wrap(segmentBytes(i)),
                        PutOptions.of("video/mp2t"), release));
                submitted.add(segment);
                futures.add(queue.submit("live/cam1", BUCKET, "cam1/playlist.m3u8", ByteBuffer.wrap(playlist(i)),
                        PutOptions.of("application/x-mpegURL"), release));
                submitted.add("cam1/playlist.m3u8");
                if (i == 7) {
                    futures.get(futures.size() - 1).get(30, TimeUnit.SECONDS);
                    server.stop();
                }
                if (i == 15) {
                    // every write of the outage has left memory for the spool before the server returns
                    assertThat(outageWritesReleased.await(30, TimeUnit.SECONDS)).isTrue();
                    WriteQueueMetrics during = queue.metrics();
                    assertThat(during.pendingWrites()).isEqualTo(16);
                    assertThat(during.spooledWrites()).isEqualTo(16);
                    assertThat(during.failedAttempts()).isPositive();
                    server.restart();
                }
            }

            assertThat(queue.drain(Duration.ofSeconds(60))).isTrue();
            WriteQueueMetrics after = queue.metrics();
            assertThat(after.completedWrites() + after.coalescedWrites()).isEqualTo(submitted.size());
            assertThat(recording.storedKeys()).hasSize((int) after.completedWrites());
        }

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(
                stored -> stored.key().endsWith(".ts") || stored.key().equals("cam1/playlist.m3u8")));
        List<String> stored = recording.storedKeys();
        assertThat(stored.stream().filter(k -> k.endsWith(".ts")))
                .containsExactlyElementsOf(submitted.stream().filter(k -> k.endsWith(".ts")).toList());
        assertThat(isSubsequence(stored, submitted)).as("%s in the order of %s", stored, submitted).isTrue();
        assertThat(stored.get(stored.size() - 1)).isEqualTo("cam1/playlist.m3u8");
        for (int i = 0; i < SEGMENTS; i++) {
            String segment = "cam1/" + (1_700_000_000_000L + i * 2000L) + ".ts";
            assertThat(read(segment)).as(segment).isEqualTo(segmentBytes(i));
        }
        assertThat(read("cam1/playlist.m3u8")).isEqualTo(playlist(SEGMENTS - 1));
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left).isEmpty();
        }
    }

    private static boolean isSubsequence(List<String> part, List<String> whole) {
        int next = 0;
        for (String key : whole) {
            if (next < part.size() && part.get(next).equals(key)) {
                next++;
            }
        }
        return next == part.size();
    }

    private byte[] read(String key) throws Exception {
        try (ObjectStream s = recording.get(BUCKET, key, null)) {
            return s.content().readAllBytes();
        }
    }

    private static byte[] segmentBytes(int i) {
        byte[] b = new byte[188 * (20 + i * 7)]; // whole TS packets, sizes differ per segment
        new Random(i).nextBytes(b);
        return b;
    }

    private static byte[] playlist(int newest) {
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n");
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(Math.max(0, newest - 2)).append('\n');
        for (int i = Math.max(0, newest - 2); i <= newest; i++) {
            m3u8.append("#EXTINF:2.000,\n").append(1_700_000_000_000L + i * 2000L).append(".ts\n");
        }
        return m3u8.toString().getBytes(StandardCharsets.UTF_8);
    }
}
