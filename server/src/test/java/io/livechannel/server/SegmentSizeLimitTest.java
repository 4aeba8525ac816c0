package io.livechannel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.hls.SegmenterLimits;
import io.livechannel.rtmp.EndReason;
import io.livechannel.rtmp.MediaSink;
import io.livechannel.rtmp.PublishSessionInfo;
import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.server.ingest.HlsPublishListener;
import io.livechannel.server.ingest.PlaylistCountersCache;
import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.livechannel.storage.write.WriteQueueConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment is never refused for its own size: the write backlog is sized from the largest segment, and every
 * segment the size cut produces is stored and listed.
 */
class SegmentSizeLimitTest {
    /** The smallest largest segment, so that a few hundred KB of frames make many size cuts. */
    private static final long MAX_SEGMENT_BYTES = SegmenterLimits.MIN_MAX_SEGMENT_BYTES;
    /** AVC sequence header (High profile, 4-byte NAL lengths) as an FLV video tag body. */
    private static final String AVC_SEQUENCE_HEADER = "1700000000"
            + "0164000cffe1001a6764000cacd941419f9f011000000300100000030320f142996001000668ebe3cb22c0";

    @TempDir
    Path dir;

    @Test
    void theBacklogHoldsTwoOfTheLargestSegmentsAtTheDefaults() {
        long largest = SegmenterLimits.DEFAULT_MAX_SEGMENT_BYTES;
        WriteQueueConfig memory = Storage.writeQueueConfig(null, largest);
        WriteQueueConfig spooled = Storage.writeQueueConfig(dir.resolve("spool"), largest);

        assertThat(memory.maxBacklogBytes()).isEqualTo(256L << 20).isGreaterThanOrEqualTo(2 * largest);
        assertThat(spooled.maxBacklogBytes()).isEqualTo(WriteQueueConfig.DEFAULT_MAX_BACKLOG_BYTES)
                .isGreaterThanOrEqualTo(2 * largest);
        assertThat(spooled.spoolDir()).isEqualTo(dir.resolve("spool"));
        assertThat(memory.spoolDir()).isNull();
    }

    @ParameterizedTest
    @ValueSource(longs = {SegmenterLimits.MIN_MAX_SEGMENT_BYTES, 128L << 20, 129L << 20, 512L << 20,
            SegmenterLimits.MAX_MAX_SEGMENT_BYTES})
    void theBacklogHoldsTwoOfTheLargestSegmentsWhateverTheirSize(long largest) {
        assertThat(Storage.writeQueueConfig(null, largest).maxBacklogBytes())
                .isGreaterThanOrEqualTo(2 * largest).isGreaterThanOrEqualTo(Storage.MIN_MEMORY_BACKLOG_BYTES);
        assertThat(Storage.writeQueueConfig(dir, largest).maxBacklogBytes())
                .isGreaterThanOrEqualTo(2 * largest).isGreaterThanOrEqualTo(WriteQueueConfig.DEFAULT_MAX_BACKLOG_BYTES);
    }

    /**
     * A publisher that stamps every frame 0 is cut only for size: each segment it makes is stored, no larger than
     * the limit, and listed in the live playlist, through the real write queue, filesystem store and catalog.
     */
    @Test
    void everySegmentOfAPublisherStampingEveryFrameZeroIsStoredAndListed() throws Exception {
        ServerConfig config = new ServerConfig(dir.resolve("data"),
                ServerConfig.Network.anyPorts("127.0.0.1", "localhost"),
                new ServerConfig.Bootstrap("id", "secret", "live", "private"), ServerConfig.Store.FILESYSTEM,
                new ServerConfig.Ingest(RtmpLimits.DEFAULT_READ_BATCH_HOLD, MAX_SEGMENT_BYTES),
                ServerConfig.METRICS_OFF);
        int frames = 100;
        try (Storage storage = Storage.open(config, Clock.systemUTC(), new SimpleMeterRegistry())) {
            storage.bootstrap(config, "id", "secret");
            HlsPublishListener listener = new HlsPublishListener(storage.writes(), storage.metadata(),
                    storage.catalogUpdates(), storage.catalogExecutor(), new PlaylistCountersCache(),
                    Clock.systemUTC(), new SimpleMeterRegistry(), config.ingest().segmenterLimits(), null);
            MediaSink sink = listener.onPublishStart(new PublishSessionInfo("live", "cam1", "playlist.m3u8", 5, 100,
                    "127.0.0.1:5000", Instant.now(), "test"));
            send(sink, Unpooled.wrappedBuffer(HexFormat.of().parseHex(AVC_SEQUENCE_HEADER)));
            for (int i = 0; i < frames; i++) {
                send(sink, avcFrame(i == 0, 20_000 + i * 97));
            }
            sink.onPublishEnd(EndReason.UNPUBLISHED);
            assertThat(storage.writes().drain(Duration.ofSeconds(30))).isTrue();

            List<String> listed = listedSegments(readString(storage, "cam1/playlist.m3u8"));
            List<StoredObject> stored = storage.objects().list("live", ListQuery.prefix("cam1/", 1000)).objects()
                    .stream().filter(o -> o.key().endsWith(".ts")).toList();
            // about 20 KB a frame, so three frames to a 64 KiB segment
            assertThat(listed).hasSizeGreaterThanOrEqualTo(frames / 3);
            assertThat(stored).extracting(StoredObject::key)
                    .containsExactlyElementsOf(listed.stream().map(uri -> "cam1/" + uri).toList());
            assertThat(stored).allSatisfy(o -> assertThat(o.size()).isLessThanOrEqualTo(MAX_SEGMENT_BYTES));
            assertThat(stored.stream().mapToLong(StoredObject::size).sum())
                    .as("every frame is in a stored segment").isGreaterThan(frames * 20_000L);
            assertThat(storage.writes().metrics().rejectedWrites()).isZero();
        }
    }

    private static void send(MediaSink sink, ByteBuf body) {
        try {
            sink.onVideo(0, body);
        } finally {
            body.release();
        }
    }

    /** An FLV AVC frame body holding one NAL unit, {@code accessUnitBytes} long with its 4-byte length. */
    private static ByteBuf avcFrame(boolean key, int accessUnitBytes) {
        ByteBuf body = Unpooled.buffer(5 + accessUnitBytes);
        body.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(0);
        body.writeInt(accessUnitBytes - 4).writeByte(key ? 0x65 : 0x41);
        body.writeZero(accessUnitBytes - 5);
        return body;
    }

    private static String readString(Storage storage, String key) throws Exception {
        try (ObjectStream stream = storage.objects().get("live", key, null)) {
            return new String(stream.content().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> listedSegments(String playlist) {
        assertThat(playlist).startsWith("#EXTM3U").contains("#EXT-X-ENDLIST");
        return Arrays.stream(playlist.split("\n")).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
