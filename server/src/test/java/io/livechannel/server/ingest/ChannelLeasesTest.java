package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PublishLeases;
import io.livechannel.storage.catalog.PushRecord;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.fs.FileSystemObjectStore;
import io.livechannel.storage.write.WriteFence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' leases over one shared catalog (a real SQLite file here; {@code PostgresChannelLeasesTest} runs the
 * same on PostgreSQL) and a real filesystem store: admission, the local deadline, loss, takeover of a dead node's
 * channel with its recovery, and the sweeper.
 */
class ChannelLeasesTest {
    /** Short enough to expire within a test, long enough for a round of statements on a loaded machine. */
    static final Duration TTL = Duration.ofMillis(600);
    static final Duration MARGIN = Duration.ofMillis(200);
    static final ChannelKey CAM1 = new ChannelKey("live", "cam1");

    @TempDir
    Path dir;
    FileSystemObjectStore objects;
    MetadataStore metadata;
    ChannelLeases nodeA;
    ChannelLeases nodeB;

    /** The shared catalog; the PostgreSQL subclass overrides it. */
    MetadataStore openCatalog() {
        return JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
    }

    @BeforeEach
    void open() throws Exception {
        objects = new FileSystemObjectStore(dir.resolve("objects"));
        objects.createBucket("live");
        metadata = openCatalog();
        metadata.buckets().create(new Bucket("live", BucketAcl.PUBLIC_READ, Instant.now(), List.of()));
        metadata.channels().put(new Channel("live", "cam1", "", ChannelStatus.ENABLED, 2, 3, "playlist.m3u8", null,
                Instant.now()));
        nodeA = node("node-a", TTL);
        nodeB = node("node-b", TTL);
    }

    ChannelLeases node(String id, Duration ttl) {
        return new ChannelLeases(new ChannelLeases.Settings(id, true, ttl, MARGIN, Duration.ofMinutes(1)),
                metadata, objects, new PublisherRegistry(), Runnable::run, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        metadata.close();
        objects.close();
    }

    @Test
    void aSecondNodeIsRefusedWhileTheFirstRenewsAndTakesTheChannelOnceItStops() throws Exception {
        assertThat(nodeA.admit(CAM1)).isEqualTo(new ChannelLeases.Admitted(true, null));
        ChannelLeases.Lease lease = nodeA.bind(CAM1);
        assertThat(nodeB.admit(CAM1)).isEqualTo(new ChannelLeases.Refused("node-a"));

        long renewedUntil = System.nanoTime() + 3 * TTL.toNanos();
        while (System.nanoTime() < renewedUntil) { // three TTLs of heartbeats keep the lease
            nodeA.heartbeat();
            assertThat(nodeB.admit(CAM1)).isInstanceOf(ChannelLeases.Refused.class);
            assertThat(lease.valid()).isTrue();
        }

        await(() -> !lease.valid()); // no more heartbeats: the local deadline passes first...
        assertThat(nodeB.admit(CAM1)).as("...before the lease expires for the others")
                .isInstanceOf(ChannelLeases.Refused.class);
        await(() -> nodeB.admit(CAM1) instanceof ChannelLeases.Admitted);

        nodeA.heartbeat();
        assertThat(nodeA.holds).as("node A learnt the loss").isEmpty();
        assertThat(metadata.leases().find("live", "cam1")).get().extracting(PublishLeases.LeaseRecord::owner,
                PublishLeases.LeaseRecord::epoch).containsExactly("node-b", 2L);
    }

    @Test
    void takingADeadNodesChannelEndsItsPlaylistAndPushFirst() throws Exception {
        nodeA.admit(CAM1);
        nodeA.bind(CAM1);
        long push = metadata.history().recordStart("live", "cam1", Instant.now().minusSeconds(60), "10.0.0.1:1");
        objects.put("live", "cam1/playlist.m3u8", liveplaylist().getBytes(StandardCharsets.UTF_8),
                PutOptions.liveOutput("application/x-mpegURL"));

        await(() -> nodeB.admit(CAM1) instanceof ChannelLeases.Admitted);

        assertThat(text("cam1/playlist.m3u8")).endsWith("#EXT-X-ENDLIST\n");
        assertThat(metadata.history().recent("live", "cam1", 1)).extracting(PushRecord::id)
                .containsExactly(push);
        assertThat(metadata.history().recent("live", "cam1", 1).get(0).end()).isNotNull();
    }

    @Test
    void theSweeperRecoversAndReleasesAChannelWhoseNodeDiedAndNoPublisherCameBack() throws Exception {
        nodeA.admit(CAM1);
        nodeA.bind(CAM1);
        objects.put("live", "cam1/playlist.m3u8", liveplaylist().getBytes(StandardCharsets.UTF_8),
                PutOptions.liveOutput("application/x-mpegURL"));

        await(() -> {
            nodeB.heartbeat();
            return metadata.leases().find("live", "cam1").orElseThrow().owner() == null;
        });

        assertThat(text("cam1/playlist.m3u8")).endsWith("#EXT-X-ENDLIST\n");
        assertThat(metadata.leases().find("live", "cam1").orElseThrow().epoch()).isEqualTo(2);
    }

    @Test
    void aPublishThatEndsReleasesTheLeaseOnceItsWritesAreDoneAndAnotherNodeTakesTheNextEpoch() {
        nodeA.admit(CAM1);
        ChannelLeases.Lease lease = nodeA.bind(CAM1);
        CompletableFuture<Void> writes = new CompletableFuture<>();
        nodeA.ended(lease, writes);
        assertThat(metadata.leases().find("live", "cam1").orElseThrow().owner()).as("writes still queued")
                .isEqualTo("node-a");

        writes.complete(null);

        assertThat(metadata.leases().find("live", "cam1").orElseThrow().owner()).isNull();
        assertThat(nodeB.admit(CAM1)).isEqualTo(new ChannelLeases.Admitted(true, null));
        assertThat(nodeB.bind(CAM1).epoch()).isEqualTo(2);
    }

    @Test
    void anAdmissionWhosePublishHasNotStartedKeepsTheLeaseForTheGraceOnly() {
        nodeA.admit(CAM1);
        ChannelLeases.Lease first = nodeA.bind(CAM1);
        nodeA.admit(CAM1); // a second publisher admitted (it replaces the first) and not started yet
        nodeA.ended(first, CompletableFuture.completedFuture(null));
        assertThat(metadata.leases().find("live", "cam1").orElseThrow().owner())
                .as("kept: the admitted publish may still start").isEqualTo("node-a");

        nodeA.holds.get(CAM1).admittedAgo(ChannelLeases.ADMISSION_GRACE);
        nodeA.heartbeat();

        assertThat(metadata.leases().find("live", "cam1").orElseThrow().owner()).isNull();
    }

    @Test
    void aNodesPublishesOfAChannelFollowEachOtherUnderOneEpoch() {
        nodeA.admit(CAM1);
        ChannelLeases.Lease first = nodeA.bind(CAM1);
        assertThat(nodeA.admit(CAM1)).isEqualTo(new ChannelLeases.Admitted(false, null));
        ChannelLeases.Lease second = nodeA.bind(CAM1);
        nodeA.ended(first, CompletableFuture.completedFuture(null));

        assertThat(second.epoch()).isEqualTo(first.epoch());
        assertThat(second.valid()).isTrue();
        assertThat(metadata.leases().find("live", "cam1").orElseThrow().owner()).isEqualTo("node-a");
    }

    @Test
    void aPlaylistFencedByALeaseIsStoredInTheLaneOnlyWhileValidAndAfterARestartOnlyAtTheSameEpoch() throws Exception {
        nodeA.admit(CAM1);
        ChannelLeases.Lease lease = nodeA.bind(CAM1);
        WriteFence fence = ChannelLeases.fence(CAM1, lease);
        assertThat(fence.token()).isEqualTo("lease 1 live/cam1");
        assertThat(fence.holds()).isTrue();
        assertThat(ChannelLeases.recoveredFenceHolds(metadata, fence.token())).isTrue();

        await(() -> nodeB.admit(CAM1) instanceof ChannelLeases.Admitted); // node A stopped renewing

        assertThat(fence.holds()).isFalse();
        assertThat(ChannelLeases.recoveredFenceHolds(metadata, fence.token())).as("epoch moved on").isFalse();
        assertThat(ChannelLeases.recoveredFenceHolds(metadata, "lease 2 live/cam1")).isTrue();
        assertThat(ChannelLeases.recoveredFenceHolds(metadata, "lease 2 live/cam9")).as("no lease row").isFalse();
        assertThat(ChannelLeases.recoveredFenceHolds(metadata, "owner x live/cam1")).as("not a lease fence")
                .isFalse();
    }

    private static String liveplaylist() {
        return """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:7
                #EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:00.000Z
                #EXTINF:2.000,
                1764720000000.ts
                """;
    }

    private String text(String key) throws Exception {
        try (var stream = objects.get("live", key, null); var in = stream.content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Waits (at most 20 TTLs) for {@code condition}, re-checking it as fast as the catalog answers. */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20 * TTL.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
