package io.livechannel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.RtmpLimits;
import io.livechannel.storage.fs.DirectIo;
import io.livechannel.storage.fs.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapCredentialsTest {
    @TempDir
    Path dataDir;

    private ServerConfig config(String id, String secret) {
        return new ServerConfig(dataDir, ServerConfig.Network.anyPorts("127.0.0.1", "localhost"),
                new ServerConfig.Bootstrap(id, secret, "live", "private"), ServerConfig.Store.FILESYSTEM,
                ServerConfig.Ingest.DEFAULTS, ServerConfig.METRICS_OFF);
    }

    @Test
    void generatesAKeyOnceAndKeepsItOwnerOnly() throws IOException {
        BootstrapCredentials.Result first = BootstrapCredentials.resolve(config(null, null), new SecureRandom());
        BootstrapCredentials.Result second = BootstrapCredentials.resolve(config(null, null), new SecureRandom());

        Path file = dataDir.resolve(BootstrapCredentials.FILE_NAME);
        assertThat(first.generated()).isTrue();
        assertThat(first.id()).startsWith("LC").hasSize(16);
        assertThat(first.secret()).hasSize(30);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(second.generated()).isFalse();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.secret()).isEqualTo(first.secret());
        assertThat(second.toString()).doesNotContain(first.secret());
    }

    @Test
    void givenKeyWinsAndWritesNothing() throws IOException {
        BootstrapCredentials.Result key = BootstrapCredentials.resolve(config("AKID", "s3cret"), new SecureRandom());

        assertThat(key.id()).isEqualTo("AKID");
        assertThat(key.secret()).isEqualTo("s3cret");
        assertThat(key.generated()).isFalse();
        assertThat(dataDir.resolve(BootstrapCredentials.FILE_NAME)).doesNotExist();
    }

    @Test
    void configToStringHidesTheSecret() {
        assertThat(config("AKID", "s3cret").toString()).contains("AKID").doesNotContain("s3cret");
    }
}
