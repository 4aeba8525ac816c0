package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.PushDecision;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.session.PushUrl;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.jdbc.JdbcMetadataStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogPushAuthorizerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final AccessKey KEY = new AccessKey("LTAIexampleAK", "exampleSecretKey123");

    @TempDir
    Path temp;

    private MetadataStore metadata;
    private PlaylistCountersCache counters;
    private CatalogPushAuthorizer authorizer;

    @BeforeEach
    void openCatalog() {
        metadata = JdbcMetadataStore.openSqlite(temp.resolve("catalog.db"));
        metadata.accessKeys().put(KEY);
        bucket("live", BucketAcl.PRIVATE);
        channel("live", "cam1", ChannelStatus.ENABLED);
        counters = new PlaylistCountersCache();
        authorizer = new CatalogPushAuthorizer(metadata, Runnable::run, new PushSignature(CLOCK), counters, null);
    }

    @AfterEach
    void closeCatalog() {
        metadata.close();
    }

    private void bucket(String name, BucketAcl acl) {
        metadata.buckets().create(new Bucket(name, acl, NOW, List.of()));
    }

    private void channel(String bucket, String name, ChannelStatus status) {
        metadata.channels().put(new Channel(bucket, name, "", status, 2, 3, "playlist.m3u8", null, NOW));
    }

    /** The params of a URL signed for {@code /bucket/channel}, as the SDKs sign them. */
    static Map<String, String> signed(String bucket, String channel, long expires, Map<String, String> extra) {
        Map<String, String> params = new LinkedHashMap<>(extra);
        String signature = PushSignature.sign(KEY.secret(),
                PushSignature.stringToSign(expires, params, true, bucket, channel));
        params.put(PushSignature.ACCESS_KEY_ID, KEY.id());
        params.put(PushSignature.EXPIRES, Long.toString(expires));
        params.put(PushSignature.SIGNATURE, signature);
        return params;
    }

    private static PushUrl url(String bucket, String channel, Map<String, String> params) {
        return new PushUrl(bucket == null ? "live" : bucket + "/live", Optional.ofNullable(bucket), channel, params);
    }

    private static long inAnHour() {
        return NOW.getEpochSecond() + 3600;
    }

    @Test
    void signedUrlWithBucketIsAllowedWithTheChannelsSettings() {
        PushDecision decision = authorizer.decide(url("live", "cam1", signed("live", "cam1", inAnHour(), Map.of())));

        assertThat(decision).isEqualTo(new PushDecision.Allowed("live", "cam1", "playlist.m3u8", 2, 3));
    }

    @Test
    void urlWithoutBucketFindsTheBucketWhoseSignatureVerifies() {
        bucket("other", BucketAcl.PRIVATE);
        channel("other", "cam1", ChannelStatus.ENABLED);

        PushDecision toOther = authorizer.decide(url(null, "cam1", signed("other", "cam1", inAnHour(), Map.of())));
        PushDecision toLive = authorizer.decide(url(null, "cam1", signed("live", "cam1", inAnHour(), Map.of())));

        assertThat(toOther).isInstanceOfSatisfying(PushDecision.Allowed.class, a -> assertThat(a.bucket()).isEqualTo("other"));
        assertThat(toLive).isInstanceOfSatisfying(PushDecision.Allowed.class, a -> assertThat(a.bucket()).isEqualTo("live"));
    }

    @Test
    void playlistNameParameterOverridesTheChannelsAndIsChecked() {
        PushDecision good = authorizer.decide(url("live", "cam1",
                signed("live", "cam1", inAnHour(), Map.of("playlistName", "alt.m3u8"))));
        PushDecision bad = authorizer.decide(url("live", "cam1",
                signed("live", "cam1", inAnHour(), Map.of("playlistName", "../x.m3u8"))));

        assertThat(good).isInstanceOfSatisfying(PushDecision.Allowed.class,
                a -> assertThat(a.playlistName()).isEqualTo("alt.m3u8"));
        assertThat(bad).isEqualTo(new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME,
                "playlistName must end in .m3u8, be 6..128 bytes and hold no '/'"));
    }

    @Test
    void eachRefusalSaysWhy() {
        Map<String, String> tampered = new LinkedHashMap<>(signed("live", "cam1", inAnHour(), Map.of()));
        tampered.put(PushSignature.SIGNATURE, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        Map<String, String> unknownKey = new LinkedHashMap<>(signed("live", "cam1", inAnHour(), Map.of()));
        unknownKey.put(PushSignature.ACCESS_KEY_ID, "LTAIunknown");
        channel("live", "off", ChannelStatus.DISABLED);

        assertThat(denial(url("live", "nope", signed("live", "nope", inAnHour(), Map.of()))))
                .isEqualTo(StatusCode.PUBLISH_BAD_NAME + ": no LiveChannel named 'nope' in bucket 'live'");
        assertThat(denial(url(null, "nope", Map.of())))
                .isEqualTo(StatusCode.PUBLISH_BAD_NAME + ": no LiveChannel named 'nope' in any bucket");
        assertThat(denial(url("live", "cam1", Map.of())))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": the push URL is not signed (bucket 'live' is not public-read-write)");
        assertThat(denial(url("live", "cam1", tampered)))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": the push URL's signature does not match");
        assertThat(denial(url("live", "cam1", unknownKey)))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": unknown OSSAccessKeyId");
        assertThat(denial(url("live", "cam1", signed("live", "cam1", NOW.getEpochSecond() - 1, Map.of()))))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": the push URL has expired");
        assertThat(denial(url("live", "off", signed("live", "off", inAnHour(), Map.of()))))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": LiveChannel 'off' is disabled");
    }

    @Test
    void publicReadWriteBucketNeedsNoSignature() {
        bucket("open", BucketAcl.PUBLIC_READ_WRITE);
        channel("open", "cam9", ChannelStatus.ENABLED);

        assertThat(authorizer.decide(url("open", "cam9", Map.of()))).isInstanceOf(PushDecision.Allowed.class);
    }

    @Test
    void publicReadWriteBucketRefusesASignatureThatDoesNotVerify() {
        bucket("open", BucketAcl.PUBLIC_READ_WRITE);
        channel("open", "cam9", ChannelStatus.ENABLED);
        Map<String, String> tampered = new LinkedHashMap<>(signed("open", "cam9", inAnHour(), Map.of()));
        tampered.put(PushSignature.SIGNATURE, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        assertThat(authorizer.decide(url("open", "cam9", signed("open", "cam9", inAnHour(), Map.of()))))
                .isInstanceOf(PushDecision.Allowed.class);
        assertThat(denial(url("open", "cam9", tampered)))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": the push URL's signature does not match");
        assertThat(denial(url("open", "cam9", signed("open", "cam9", NOW.getEpochSecond() - 1, Map.of()))))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": the push URL has expired");
        assertThat(denial(url("open", "cam9", Map.of(PushSignature.EXPIRES, Long.toString(inAnHour())))))
                .isEqualTo(StatusCode.PUBLISH_DENIED + ": the push URL lacks OSSAccessKeyId");
    }

    @Test
    void admissionLoadsTheStoredCountersUnlessNewerAreKnown() {
        metadata.channels().saveCounters("live", "cam1", new PlaylistCounters(41, 7));

        authorizer.decide(url("live", "cam1", signed("live", "cam1", inAnHour(), Map.of())));
        ChannelKey key = new ChannelKey("live", "cam1");
        assertThat(counters.get(key).nextMediaSequence()).isEqualTo(41);
        assertThat(counters.get(key).discontinuitySequence()).isEqualTo(7);

        counters.update(key, new io.livechannel.hls.PlaylistState(45, 8));
        authorizer.decide(url("live", "cam1", signed("live", "cam1", inAnHour(), Map.of())));
        assertThat(counters.get(key).nextMediaSequence()).isEqualTo(45);
    }

    private String denial(PushUrl url) {
        PushDecision decision = authorizer.decide(url);
        assertThat(decision).isInstanceOf(PushDecision.Denied.class);
        PushDecision.Denied denied = (PushDecision.Denied) decision;
        return denied.code() + ": " + denied.description();
    }
}
