package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.hls.CutReason;
import io.livechannel.hls.SegmentInfo;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.storage.write.WriteQueueConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredHlsOutputTest {
    /** The write backlog's byte cap in this test: a segment above it is refused at once, as with a full backlog. */
    private static final long MAX_BACKLOG_BYTES = 10_000;
    private static final ChannelKey CHANNEL = new ChannelKey("live", "cam1");

    @TempDir
    Path dir;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private FileSystemObjectStore store;
    private JdbcMetadataStore metadata;
    private CatalogBatcher catalog;
    private ObjectWriteQueue writes;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private StoredHlsOutput output;

    @BeforeEach
    void open() throws Exception {
        store = new FileSystemObjectStore(dir.resolve("objects"));
        store.createBucket("live");
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        WriteQueueConfig defaults = WriteQueueConfig.defaults(null);
        writes = new ObjectWriteQueue(store, executor, new WriteQueueConfig(null, defaults.maxBacklogWrites(),
                MAX_BACKLOG_BYTES, defaults.initialBackoff(), defaults.maxBackoff(), defaults.errorAfterAttempts(),
                Duration.ofSeconds(30)));
        catalog = new CatalogBatcher(metadata, 100, CatalogBatcher.DEFAULT_LINGER);
        output = new StoredHlsOutput(CHANNEL, "test", writes, catalog, new PlaylistCountersCache(),
                Timer.builder("listed").register(meters), null);
    }

    @AfterEach
    void close() {
        writes.close();
        executor.shutdownNow();
        catalog.close();
        metadata.close();
        store.close();
    }

    private static SegmentInfo segment(long startMillis, long sequence, int size) {
        return new SegmentInfo("cam1", "cam1/" + startMillis + ".ts", startMillis, 2_000_000, sequence, false, size,
                CutReason.FRAG_DURATION);
    }

    @Test
    void theCutToListedTimerRecordsOncePerListingPlaylistStored() throws Exception {
        ByteBuf segment = Unpooled.directBuffer(188 * 10).writeZero(188 * 10);
        output.segmentReady(segment(1_000, 0, segment.readableBytes()), segment);
        output.playlistReady("cam1/playlist.m3u8", "#EXTM3U\n", new io.livechannel.hls.PlaylistState(1, 0));
        output.playlistReady("cam1/playlist.m3u8", "#EXTM3U\n#EXT-X-ENDLIST\n", new io.livechannel.hls.PlaylistState(1, 0));
        assertThat(writes.drain(Duration.ofSeconds(30))).isTrue();
        Timer listed = meters.get("listed").timer(); // recorded in the write's completion, which drain waits for
        // the ENDLIST rewrite lists no new segment: one record, not two
        assertThat(listed.count()).isEqualTo(1);
        assertThat(listed.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(store.head("live", "cam1/playlist.m3u8")).isPresent();
    }

    @Test
    void anAcceptedSegmentIsStoredAndIndexedARefusedOneIsReportedAndReleased() throws Exception {
        ByteBuf small = Unpooled.directBuffer(188 * 10).writeZero(188 * 10);
        ByteBuf tooBig = Unpooled.directBuffer(188 * 60).writeZero(188 * 60); // 11,280 bytes: over the cap

        boolean accepted = output.segmentReady(segment(1_000, 0, small.readableBytes()), small);
        boolean refusedOne = output.segmentReady(segment(3_000, 1, tooBig.readableBytes()), tooBig);

        assertThat(accepted).isTrue();
        assertThat(refusedOne).isFalse();
        assertThat(tooBig.refCnt()).as("the refused segment's buffer is released").isZero();
        assertThat(writes.drain(Duration.ofSeconds(30))).isTrue();
        assertThat(small.refCnt()).isZero();
        assertThat(store.head("live", "cam1/1000.ts")).hasValueSatisfying(o -> assertThat(o.size()).isEqualTo(1880));
        assertThat(store.head("live", "cam1/3000.ts")).isEmpty();
        // the index add is queued in the write's completion, which drain waited for; closing the batcher, as the
        // server's shutdown does next, commits it
        assertThat(catalog.close(Duration.ofSeconds(30))).as("every catalog update committed").isTrue();
        assertThat(metadata.segments().range("live", "cam1", 0, 10_000))
                .extracting(r -> r.objectKey()).containsExactly("cam1/1000.ts");
        assertThat(writes.metrics().rejectedWrites()).isEqualTo(1);
    }
}
