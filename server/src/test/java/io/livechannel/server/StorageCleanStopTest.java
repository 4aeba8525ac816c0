package io.livechannel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.server.ingest.UncleanStopRecovery;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop that commits every catalog update leaves a marker, and the next start trusts the catalog; a start without
 * the marker (the last run was killed, or lost catalog updates) checks the catalog against the live playlists.
 */
class StorageCleanStopTest {
    private static final String PLAYLIST = """
            #EXTM3U
            #EXT-X-MEDIA-SEQUENCE:3
            #EXT-X-DISCONTINUITY-SEQUENCE:0
            #EXT-X-PROGRAM-DATE-TIME:2025-12-03T00:00:00.000Z
            #EXTINF:2.000,
            1764720000000.ts
            """;

    @TempDir
    Path dir;

    private ServerConfig config() {
        return config(dir.resolve("data"));
    }

    /** The defaults on loopback, any free ports, key {@code id}/{@code secret}, no metrics. */
    static ServerConfig config(Path dataDir) {
        return new ServerConfig(dataDir, ServerConfig.Network.anyPorts("127.0.0.1", "localhost"),
                new ServerConfig.Bootstrap("id", "secret", "live", "private"), ServerConfig.Store.FILESYSTEM,
                ServerConfig.Ingest.DEFAULTS, ServerConfig.METRICS_OFF);
    }

    @Test
    void onlyAStartAfterAnUncleanStopChecksTheCatalogAgainstTheLivePlaylists() throws Exception {
        Path marker = dir.resolve("data").resolve(Storage.CLEAN_STOP_MARKER);
        Files.createDirectories(marker.getParent());
        try (Storage storage = Storage.open(config(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            storage.bootstrap(config(), "id", "secret");
            assertThat(storage.recoverAfterUncleanStop()).as("a new data dir has nothing to check").isEmpty();
            storage.metadata().channels().put(new Channel("live", "cam1", "", ChannelStatus.ENABLED, 2, 3,
                    "playlist.m3u8", null, Instant.now()));
            storage.objects().put("live", "cam1/1764720000000.ts", new byte[188], PutOptions.liveOutput("video/MP2T"));
            // stored and listed, but its index entry never committed (as when the process is killed)
            storage.objects().put("live", "cam1/playlist.m3u8", PLAYLIST.getBytes(StandardCharsets.UTF_8),
                    PutOptions.liveOutput("application/x-mpegURL"));
        }
        assertThat(marker).as("after a clean stop").exists();

        try (Storage storage = Storage.open(config(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(marker).as("taken at start, so that a crash of this run is noticed").doesNotExist();
            assertThat(storage.recoverAfterUncleanStop()).isEmpty();
            assertThat(storage.metadata().segments().range("live", "cam1", 0, Long.MAX_VALUE)).isEmpty();
        }
        Files.delete(marker); // as if that run had been killed

        try (Storage storage = Storage.open(config(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(storage.recoverAfterUncleanStop())
                    .isEqualTo(Optional.of(new UncleanStopRecovery.Result(1, 1, 1, 1, 0, 0)));
            assertThat(storage.metadata().segments().range("live", "cam1", 0, Long.MAX_VALUE)).hasSize(1);
            storage.catalogUpdates().submit("an update that fails", m -> {
                throw new IllegalStateException("disk full");
            });
        }
        assertThat(marker).as("after a stop that lost a catalog update").doesNotExist();

        try (Storage storage = Storage.open(config(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(storage.metadata().buckets().list()).isNotEmpty(); // a start that fails before its check
        }
        assertThat(marker).as("after a run that owed the check and did not run it").doesNotExist();
        try (Storage storage = Storage.open(config(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(storage.recoverAfterUncleanStop()).isPresent();
        }
        assertThat(marker).as("after the check ran through").exists();
    }
}
