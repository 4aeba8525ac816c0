package io.livechannel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.storage.PutOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A zero-byte catalog.db next to stored objects stops the start with the reason, and is left as it was. */
class EmptyCatalogStartTest {
    @TempDir
    Path dir;

    private ServerConfig config() {
        return StorageCleanStopTest.config(dir.resolve("data"));
    }

    @Test
    void aTruncatedCatalogNextToObjectsIsRefusedAndKept() throws Exception {
        try (Storage storage = Storage.open(config(), Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            storage.bootstrap(config(), "id", "secret");
            storage.objects().put("live", "cam1/1.ts", new byte[188], PutOptions.liveOutput("video/MP2T"));
        }
        Path catalog = dir.resolve("data").resolve(Storage.CATALOG_FILE);
        Files.write(catalog, new byte[0]);
        Files.deleteIfExists(dir.resolve("data").resolve(Storage.CATALOG_FILE + "-wal"));

        assertThatThrownBy(() -> Wiring.start(config(), new SecureRandom()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("catalog.db is empty (0 bytes)")
                .hasMessageContaining("holds objects")
                .hasMessageContaining("Restore catalog.db from a backup");
        assertThat(Files.size(catalog)).as("not replaced by a new catalog").isZero();
    }

    @Test
    void aZeroByteCatalogInADataDirWithoutObjectsStartsAsNew() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.write(dir.resolve("data").resolve(Storage.CATALOG_FILE), new byte[0]);

        try (Wiring wiring = Wiring.start(config(), new SecureRandom())) {
            assertThat(wiring.httpPort()).isPositive();
        }
    }
}
