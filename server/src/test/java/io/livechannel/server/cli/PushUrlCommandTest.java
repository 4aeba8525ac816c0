package io.livechannel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import io.livechannel.storage.testing.PostgresFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PushUrlCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dataDir;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new PushUrlCommand(Clock.fixed(NOW, ZoneOffset.UTC)))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return exit + "\n" + out + err;
    }

    private void bucket(BucketAcl acl) {
        try (MetadataStore metadata = JdbcMetadataStore.openSqlite(dataDir.resolve("catalog.db"))) {
            metadata.buckets().create(new Bucket("live", acl, NOW, List.of()));
        }
    }

    @Test
    void createsTheChannelAndPrintsAUrlWhoseSignatureVerifies() throws Exception {
        bucket(BucketAcl.PUBLIC_READ);
        Files.writeString(dataDir.resolve("access-key.properties"), "access-key-id=LCKEY\naccess-key-secret=s3cret\n");

        String output = run("cam 1", "--data-dir", dataDir.toString(), "--expires", "600", "--domain", "media.test",
                "--rtmp-port", "1936", "--http-port", "8081", "--playlist-name", "alt.m3u8");

        assertThat(output).startsWith("0\n").contains("created channel live/cam 1 (FragDuration 5 s, FragCount 3)")
                .contains("play URL  http://media.test:8081/live/cam%201/alt.m3u8")
                .doesNotContain("s3cret").doesNotContain("note");
        String url = output.lines().filter(l -> l.startsWith("push URL")).findFirst().orElseThrow().substring(10);
        URI uri = URI.create(url);
        assertThat(uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath())
                .isEqualTo("rtmp://media.test:1936/live/cam%201");
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(params).containsEntry("Expires", Long.toString(NOW.getEpochSecond() + 600))
                .containsEntry("OSSAccessKeyId", "LCKEY").containsEntry("playlistName", "alt.m3u8");
        PushSignature verifier = new PushSignature(Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(verifier.verify(params, "live", "cam 1", "s3cret")).isEqualTo(PushSignature.Result.VALID);
        assertThat(verifier.verify(params, "other", "cam 1", "s3cret")).isEqualTo(PushSignature.Result.MISMATCH);
        try (MetadataStore metadata = JdbcMetadataStore.openSqlite(dataDir.resolve("catalog.db"))) {
            Channel channel = metadata.channels().find("live", "cam 1").orElseThrow();
            assertThat(channel.fragDurationSeconds()).isEqualTo(5);
            assertThat(channel.fragCount()).isEqualTo(3);
            assertThat(channel.playlistName()).isEqualTo("playlist.m3u8");
        }
    }

    @Test
    void privateBucketGetsAnHlsSignPlayUrlExpiringWithThePushUrl() {
        bucket(BucketAcl.PRIVATE);

        String output = run("cam1", "--data-dir", dataDir.toString(), "--access-key-id", "K",
                "--access-key-secret", "S", "--expires", "600");

        long expires = NOW.getEpochSecond() + 600;
        assertThat(output).startsWith("0\n").contains("note      bucket live is private: the play URL is signed");
        URI play = URI.create(output.lines().filter(l -> l.startsWith("play URL")).findFirst().orElseThrow()
                .substring(10));
        assertThat(play.getRawPath()).isEqualTo("/live/cam1/playlist.m3u8");
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : play.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        // V1 presigned GET (wire spec §4.1): x-oss-process is a signed sub-resource
        String stringToSign = "GET\n\n\n" + expires + "\n/live/cam1/playlist.m3u8?x-oss-process=hls/sign";
        assertThat(params).containsEntry("OSSAccessKeyId", "K").containsEntry("Expires", Long.toString(expires))
                .containsEntry("x-oss-process", "hls/sign")
                .containsEntry("Signature", io.livechannel.api.auth.SignatureV1.sign("S", stringToSign));
    }

    @Test
    void withoutACatalogItSaysToStartTheServerFirst() {
        String output = run("cam1", "--data-dir", dataDir.toString(), "--access-key-id", "K",
                "--access-key-secret", "S");

        assertThat(output).startsWith("2\n").contains("does not exist: start the server once with this --data-dir");
    }

    @Test
    void createsTheChannelInAPostgresCatalogNamedByCatalog() throws Exception {
        try (PostgresFixture pg = PostgresFixture.start()) {
            String url = pg.createDatabase("push_url");
            try (MetadataStore metadata = JdbcMetadataStore.openPostgres(url, pg.user(), pg.password())) {
                metadata.buckets().create(new Bucket("live", BucketAcl.PUBLIC_READ, NOW, List.of()));
            }

            String output = run("cam2", "--catalog", url, "--catalog-user", pg.user(), "--catalog-password",
                    pg.password(), "--access-key-id", "LCKEY", "--access-key-secret", "s3cret");

            assertThat(output).startsWith("0\n").contains("created channel live/cam2");
            assertThat(Files.exists(dataDir.resolve("catalog.db"))).isFalse();
            try (MetadataStore metadata = JdbcMetadataStore.openPostgres(url, pg.user(), pg.password())) {
                assertThat(metadata.channels().find("live", "cam2")).isPresent();
            }
        }
    }
}
