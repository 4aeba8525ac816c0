package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.PushDecision;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.rtmp.session.PushUrl;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * Push admission ({@link CatalogPushAuthorizer} over a real SQLite catalog) for any URL an encoder may send (input:
 * app, tcUrl and stream name, the UTF-8 text split at its first two NUL characters). The catalog: a private bucket
 * with an enabled and a disabled channel, a public-read-write bucket with two enabled channels, one of them also
 * in the private bucket. Properties: deciding never throws; a URL is admitted only to an enabled channel that exists
 * in the admitted bucket, with a valid playlist name, and, unless that bucket is public-read-write, only with a
 * signature of a known key that verifies and has not expired; a refusal says why; and the same URL signed correctly
 * for its bucket is admitted exactly when that bucket's channel is enabled and the playlist name valid.
 * Corpus: {@code PushAdmissionFuzzTestInputs/}.
 */
class PushAdmissionFuzzTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final AccessKey KEY = new AccessKey("LTAIexampleAK", "exampleSecretKey123");
    private static final PushSignature SIGNATURE = new PushSignature(CLOCK);
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private static Level previousLevel;
    private static Path dir;
    private static MetadataStore metadata;
    private static CatalogPushAuthorizer authorizer;

    @BeforeAll
    static void openCatalog() throws IOException {
        previousLevel = ROOT.getLevel();
        ROOT.setLevel(Level.WARN); // the catalog logs each statement at DEBUG
        dir = Files.createTempDirectory("push-admission-fuzz");
        metadata = JdbcMetadataStore.openSqlite(dir.resolve("catalog.db"));
        metadata.accessKeys().put(KEY);
        metadata.buckets().create(new Bucket("examplebucket", BucketAcl.PRIVATE, NOW, List.of()));
        metadata.buckets().create(new Bucket("openbucket", BucketAcl.PUBLIC_READ_WRITE, NOW, List.of()));
        for (String[] c : new String[][] {{"examplebucket", "cam1", "ENABLED"}, {"examplebucket", "off", "DISABLED"},
                {"openbucket", "cam1", "ENABLED"}, {"openbucket", "cam9", "ENABLED"}}) {
            metadata.channels().put(new Channel(c[0], c[1], "", ChannelStatus.valueOf(c[2]), 2, 3, "playlist.m3u8",
                    null, NOW));
        }
        authorizer = new CatalogPushAuthorizer(metadata, Runnable::run, SIGNATURE, new PlaylistCountersCache(), null);
    }

    @AfterAll
    static void closeCatalog() throws IOException {
        metadata.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
        ROOT.setLevel(previousLevel);
    }

    @FuzzTest(maxDuration = "60s")
    void admitsOnlyWhatTheCatalogAndTheSignatureAllow(byte[] data) {
        String[] parts = new String(data, StandardCharsets.UTF_8).split("\0", 3);
        PushUrl url;
        try {
            url = PushUrl.parse(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "", Set.of());
        } catch (IllegalArgumentException refused) {
            return;
        }
        PushDecision decision = authorizer.decide(url);
        if (decision instanceof PushDecision.Allowed allowed) {
            assertAdmissible(url, allowed);
        } else {
            assertThat(((PushDecision.Denied) decision).description()).isNotBlank();
        }

        Optional<String> bucket = url.bucket().or(() -> metadata.buckets().list().stream().map(Bucket::name)
                .filter(b -> metadata.channels().find(b, url.channel()).isPresent()).findFirst());
        if (bucket.isEmpty()) {
            return;
        }
        PushDecision resigned = authorizer.decide(new PushUrl(url.app(), url.bucket(), url.channel(),
                signed(bucket.get(), url.channel(), url.params())));
        Optional<Channel> channel = metadata.channels().find(bucket.get(), url.channel());
        String playlist = url.playlistName().orElse("playlist.m3u8");
        if (channel.isPresent() && channel.get().status() == ChannelStatus.ENABLED
                && CatalogPushAuthorizer.isValidPlaylistName(playlist)) {
            assertThat(resigned).isEqualTo(new PushDecision.Allowed(bucket.get(), url.channel(), playlist, 2, 3));
        } else {
            assertThat(resigned).isInstanceOf(PushDecision.Denied.class);
        }
    }

    private static void assertAdmissible(PushUrl url, PushDecision.Allowed allowed) {
        assertThat(url.bucket().orElse(allowed.bucket())).isEqualTo(allowed.bucket());
        assertThat(allowed.channel()).isEqualTo(url.channel());
        Channel channel = metadata.channels().find(allowed.bucket(), allowed.channel()).orElseThrow();
        assertThat(channel.status()).isEqualTo(ChannelStatus.ENABLED);
        assertThat(CatalogPushAuthorizer.isValidPlaylistName(allowed.playlistName())).isTrue();
        BucketAcl acl = metadata.buckets().find(allowed.bucket()).orElseThrow().acl();
        if (acl != BucketAcl.PUBLIC_READ_WRITE) {
            assertThat(url.params().get(PushSignature.ACCESS_KEY_ID)).isEqualTo(KEY.id());
            assertThat(SIGNATURE.verify(url.params(), allowed.bucket(), allowed.channel(), KEY.secret()))
                    .isEqualTo(PushSignature.Result.VALID);
        }
    }

    /** {@code params} with the auth parameters of a URL the SDKs sign for {@code /bucket/channel}, valid an hour. */
    private static Map<String, String> signed(String bucket, String channel, Map<String, String> params) {
        Map<String, String> unsigned = new LinkedHashMap<>(params);
        unsigned.keySet().removeAll(Set.of(PushSignature.ACCESS_KEY_ID, PushSignature.EXPIRES, PushSignature.SIGNATURE));
        return CatalogPushAuthorizerTest.signed(bucket, channel, NOW.getEpochSecond() + 3600, unsigned);
    }
}
