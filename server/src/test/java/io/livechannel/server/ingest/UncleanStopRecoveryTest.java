package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.PushRecord;
import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a server killed with catalog updates still queued finds at its next start, on a real filesystem store and
 * SQLite catalog: segments stored and listed in the live playlist but not indexed, counters behind the playlist.
 */
class UncleanStopRecoveryTest {
    private static final long T0 = 1_764_720_000_000L; // 2025-12-03T00:00:00Z
    private static final PutOptions TS = PutOptions.liveOutput("video/MP2T");
    private static final PutOptions M3U8 = PutOptions.liveOutput("application/x-mpegURL");

    @TempDir
    Path dir;
    private FileSystemObjectStore objects;
    private JdbcMetadataStore metadata;

    @BeforeEach
    void open() throws Exception {
        objects = new FileSystemObjectStore(dir.resolve("objects"));
        objects.createBucket("live");
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        metadata.buckets().create(new Bucket("live", BucketAcl.PUBLIC_READ, Instant.now(), List.of()));
    }

    @AfterEach
    void close() {
        metadata.close();
        objects.close();
    }

    @Test
    void listedSegmentsMissingFromTheIndexAreIndexedAndTheCountersFollowThePlaylist() throws Exception {
        channel("cam1", "playlist.m3u8");
        storeSegment("cam1", T0, 1880);
        storeSegment("cam1", T0 + 2000, 3760);
        storeSegment("cam1", T0 + 3967, 5640);
        storeSegment("cam1", T0 + 6000, 188); // stored, but the playlist listing it was lost
        store("cam1/playlist.m3u8", """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:41
                #EXT-X-DISCONTINUITY-SEQUENCE:2
                #EXT-X-DISCONTINUITY
                #EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:00.000Z
                #EXTINF:2.000,
                1764720000000.ts
                #EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:02.000Z
                #EXTINF:1.967,
                1764720002000.ts
                #EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:03.967Z
                #EXTINF:2.033,
                1764720003967.ts
                """);
        SegmentRecord first = new SegmentRecord("live", "cam1", "cam1/" + T0 + ".ts", T0, 2_000_000, 41, true, 1880);
        metadata.segments().add(first);
        metadata.channels().saveCounters("live", "cam1", new PlaylistCounters(42, 3));
        metadata.history().recordStart("live", "cam1", Instant.ofEpochMilli(T0 - 60_000), "10.0.0.1:50000");
        metadata.history().recordEnd(metadata.history().recordStart("live", "cam1", Instant.ofEpochMilli(T0 - 60_000),
                "10.0.0.1:50000"), Instant.ofEpochMilli(T0 - 30_000));
        long cutOff = metadata.history().recordStart("live", "cam1", Instant.ofEpochMilli(T0 - 500), "10.0.0.2:50001");
        String unended = text("cam1/playlist.m3u8");

        UncleanStopRecovery.Result result = new UncleanStopRecovery(objects, metadata).run();

        assertThat(result).isEqualTo(new UncleanStopRecovery.Result(1, 2, 1, 1, 1, 0));
        assertThat(metadata.segments().range("live", "cam1", 0, Long.MAX_VALUE)).containsExactly(first,
                new SegmentRecord("live", "cam1", "cam1/" + (T0 + 2000) + ".ts", T0 + 2000, 1_967_000, 42, false,
                        3760),
                new SegmentRecord("live", "cam1", "cam1/" + (T0 + 3967) + ".ts", T0 + 3967, 2_033_000, 43, false,
                        5640));
        // past the three listed segments and the one stored after them; one more discontinuity than the playlist's
        assertThat(metadata.channels().counters("live", "cam1")).isEqualTo(new PlaylistCounters(45, 3));
        assertThat(text("cam1/playlist.m3u8")).as("ended as a clean stop ends it")
                .isEqualTo(unended + "#EXT-X-ENDLIST\n");
        assertThat(metadata.history().recent("live", "cam1", 10)).as("the cut-off push ends with its last segment")
                .extracting(PushRecord::id, PushRecord::end).containsExactly(
                        tuple(cutOff, Instant.ofEpochMilli(T0 + 6000)),
                        tuple(cutOff - 1, Instant.ofEpochMilli(T0 - 30_000)),
                        tuple(cutOff - 2, null)); // not the newest: shown as ending at its start, left so

        assertThat(new UncleanStopRecovery(objects, metadata).run()).as("a second run")
                .isEqualTo(new UncleanStopRecovery.Result(1, 0, 0, 0, 0, 0));
        assertThat(metadata.segments().range("live", "cam1", 0, Long.MAX_VALUE)).hasSize(3);
        assertThat(text("cam1/playlist.m3u8")).isEqualTo(unended + "#EXT-X-ENDLIST\n");
    }

    @Test
    void aPlaylistInAFolderIsReadAndCountersAheadOfItAreNotLowered() throws Exception {
        channel("cam2", "hls/live.m3u8");
        storeSegment("cam2", T0, 1880);
        store("cam2/hls/live.m3u8", """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:4
                #EXT-X-MEDIA-SEQUENCE:7
                #EXT-X-DISCONTINUITY-SEQUENCE:0
                #EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:00.000Z
                #EXTINF:4.000,
                ../1764720000000.ts
                #EXT-X-ENDLIST
                """);
        metadata.channels().saveCounters("live", "cam2", new PlaylistCounters(100, 9));
        String ended = text("cam2/hls/live.m3u8");

        assertThat(new UncleanStopRecovery(objects, metadata).run())
                .isEqualTo(new UncleanStopRecovery.Result(1, 1, 0, 0, 0, 0));
        assertThat(text("cam2/hls/live.m3u8")).as("already ended").isEqualTo(ended);
        assertThat(metadata.segments().range("live", "cam2", 0, Long.MAX_VALUE)).containsExactly(
                new SegmentRecord("live", "cam2", "cam2/" + T0 + ".ts", T0, 4_000_000, 7, false, 1880));
        assertThat(metadata.channels().counters("live", "cam2")).isEqualTo(new PlaylistCounters(100, 9));
    }

    @Test
    void aListedSegmentThatIsNotStoredIsNotIndexedButStillCounted() throws Exception {
        channel("cam3", "playlist.m3u8");
        store("cam3/playlist.m3u8", oneSegmentAtT0(5, 1));
        // cut off before its first segment: the playlist's last segment is from an earlier push
        Instant start = Instant.ofEpochMilli(T0 + 10_000);
        metadata.history().recordStart("live", "cam3", start, "10.0.0.3:50002");

        assertThat(new UncleanStopRecovery(objects, metadata).run())
                .isEqualTo(new UncleanStopRecovery.Result(1, 0, 1, 1, 1, 0));
        assertThat(metadata.segments().range("live", "cam3", 0, Long.MAX_VALUE)).isEmpty();
        assertThat(metadata.channels().counters("live", "cam3")).isEqualTo(new PlaylistCounters(6, 1));
        assertThat(metadata.history().recent("live", "cam3", 1)).extracting(PushRecord::end).containsExactly(start);
        assertThat(text("cam3/playlist.m3u8")).endsWith(T0 + ".ts\n#EXT-X-ENDLIST\n");
    }

    @Test
    void aChannelWhosePlaylistIsNotReadableIsLeftAloneAndTheOthersAreRecovered() throws Exception {
        channel("broken", "playlist.m3u8");
        store("broken/playlist.m3u8", "<html>not a playlist</html>");
        channel("quiet", "playlist.m3u8"); // cut off before its first playlist
        Instant quietStart = Instant.ofEpochMilli(T0 + 1000);
        metadata.history().recordStart("live", "quiet", quietStart, "10.0.0.4:50003");
        channel("cam4", "playlist.m3u8");
        storeSegment("cam4", T0, 376);
        store("cam4/playlist.m3u8", oneSegmentAtT0(0, 0));

        assertThat(new UncleanStopRecovery(objects, metadata).run())
                .isEqualTo(new UncleanStopRecovery.Result(3, 1, 1, 1, 1, 0));
        assertThat(metadata.segments().range("live", "cam4", 0, Long.MAX_VALUE)).hasSize(1);
        assertThat(text("broken/playlist.m3u8")).as("not ours: left as it is").isEqualTo("<html>not a playlist</html>");
        assertThat(metadata.history().recent("live", "quiet", 1)).extracting(PushRecord::end)
                .containsExactly(quietStart);
        assertThat(metadata.channels().counters("live", "broken")).isEqualTo(PlaylistCounters.INITIAL);
        assertThat(metadata.channels().counters("live", "quiet")).isEqualTo(PlaylistCounters.INITIAL);
    }

    @Test
    void aChannelThatCannotBeReadIsCountedAsFailedSoThatTheNextStartChecksItAgain() throws Exception {
        channel("cam5", "playlist.m3u8");
        store("cam5/playlist.m3u8", oneSegmentAtT0(0, 0));
        Path file = dir.resolve("objects/live/cam5/playlist.m3u8%o"); // KeyPathCodec: an object file ends in %o
        assertThat(file).exists();
        java.nio.file.Files.write(file, new byte[] {1, 2, 3}); // the store cannot read it: an I/O error, not a parse
        channel("big", "playlist.m3u8");
        store("big/playlist.m3u8", "#EXTM3U\n" + "#".repeat(UncleanStopRecovery.MAX_PLAYLIST_BYTES));

        assertThat(new UncleanStopRecovery(objects, metadata).run())
                .as("the oversized playlist is not ours and not retried; the unreadable one is")
                .isEqualTo(new UncleanStopRecovery.Result(2, 0, 0, 0, 0, 1));
    }

    /** A live playlist listing the 2-second segment {@code <T0>.ts}, as the packager writes it. */
    private static String oneSegmentAtT0(long mediaSequence, long discontinuitySequence) {
        return "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:" + mediaSequence
                + "\n#EXT-X-DISCONTINUITY-SEQUENCE:" + discontinuitySequence
                + "\n#EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:00.000Z\n#EXTINF:2.000,\n" + T0 + ".ts\n";
    }

    private void channel(String name, String playlistName) {
        metadata.channels().put(new Channel("live", name, "", ChannelStatus.ENABLED, 2, 3, playlistName, null,
                Instant.now()));
    }

    private void storeSegment(String channel, long startMillis, int size) throws Exception {
        objects.put("live", channel + "/" + startMillis + ".ts", new byte[size], TS);
    }

    private void store(String key, String text) throws Exception {
        objects.put("live", key, text.getBytes(StandardCharsets.UTF_8), M3U8);
    }

    private String text(String key) throws Exception {
        try (var stream = objects.get("live", key, null); var in = stream.content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
