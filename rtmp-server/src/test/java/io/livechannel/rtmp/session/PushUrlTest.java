package io.livechannel.rtmp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every URL form of oss-sdk-wire-spec.md §6.2, as ffmpeg splits it into app, tcUrl and publish name (§6.3).
 */
class PushUrlTest {
    private static final Set<String> OWN = Set.of("live.example.com");
    private static final String QUERY =
            "Expires=1700000000&OSSAccessKeyId=LTAIexampleAK&Signature=58W4zhlFXFe4PpdmnQOU9B1QFBY%3D&playlistName=playlist.m3u8";

    @Test
    void javaSdkIpEndpointUrlHasNoBucket() {
        // rtmp://127.0.0.1:8080/live/test-channel?<QUERY>
        PushUrl url = PushUrl.parse("live", "rtmp://127.0.0.1:8080/live", "test-channel?" + QUERY, OWN);
        assertThat(url.app()).isEqualTo("live");
        assertThat(url.bucket()).isEmpty();
        assertThat(url.channel()).isEqualTo("test-channel");
        assertThat(url.params()).containsExactly(Map.entry("Expires", "1700000000"),
                Map.entry("OSSAccessKeyId", "LTAIexampleAK"), Map.entry("Signature", "58W4zhlFXFe4PpdmnQOU9B1QFBY="),
                Map.entry("playlistName", "playlist.m3u8"));
        assertThat(url.playlistName()).contains("playlist.m3u8");
    }

    @Test
    void virtualHostedUrlTakesBucketFromFirstHostLabel() {
        // rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live/test-channel?... (Java and ali-oss, domain endpoint)
        PushUrl url = PushUrl.parse("live", "rtmp://examplebucket.oss-cn-hangzhou.aliyuncs.com/live",
                "test-channel?" + QUERY, OWN);
        assertThat(url.bucket()).contains("examplebucket");
    }

    @Test
    void oss2AndGoPathStyleUrlTakesBucketFromApp() {
        // rtmp://127.0.0.1:28777/examplebucket/live/test-channel?playlistName=...&OSSAccessKeyId=...
        PushUrl url = PushUrl.parse("examplebucket/live", "rtmp://127.0.0.1:28777/examplebucket/live",
                "test-channel?playlistName=playlist.m3u8&OSSAccessKeyId=LTAIexampleAK", OWN);
        assertThat(url.app()).isEqualTo("examplebucket/live");
        assertThat(url.bucket()).contains("examplebucket");
    }

    @Test
    void ownHostNamesLocalhostAndIpv6NeverNameABucket() {
        assertThat(PushUrl.parse("live", "rtmp://live.example.com:1935/live", "ch", OWN).bucket()).isEmpty();
        assertThat(PushUrl.parse("live", "rtmp://LIVE.example.com/live", "ch", OWN).bucket()).isEmpty();
        assertThat(PushUrl.parse("live", "rtmp://localhost:1935/live", "ch", OWN).bucket()).isEmpty();
        assertThat(PushUrl.parse("live", "rtmp://[::1]:1935/live", "ch", OWN).bucket()).isEmpty();
        assertThat(PushUrl.parse("live", "", "ch", OWN).bucket()).isEmpty();
    }

    @Test
    void queryOnTheApplicationAsObsServerFieldSendsItIsMerged() {
        // OBS: server "rtmp://host/live?Expires=..", stream key "test-channel"
        PushUrl url = PushUrl.parse("live?" + QUERY, "rtmp://127.0.0.1/live?" + QUERY, "test-channel", OWN);
        assertThat(url.app()).isEqualTo("live");
        assertThat(url.channel()).isEqualTo("test-channel");
        assertThat(url.param("Signature")).contains("58W4zhlFXFe4PpdmnQOU9B1QFBY=");
    }

    @Test
    void publishNameParamsWinOverTcUrlParams() {
        PushUrl url = PushUrl.parse("live", "rtmp://127.0.0.1/live?playlistName=a.m3u8", "ch?playlistName=b.m3u8", OWN);
        assertThat(url.playlistName()).contains("b.m3u8");
    }

    @Test
    void decodesPercentEscapesButKeepsPlusLiteral() {
        // Java special-character vector: raw space and plus in the path, %20 in the query
        PushUrl url = PushUrl.parse("live", "rtmp://127.0.0.1:28777/live",
                "my channel+1?Expires=1700000000&Signature=cn8hx1Oi%2FTdpa6S4GijmQKzbUeA%3D&playlistName=a%20b.m3u8",
                OWN);
        assertThat(url.channel()).isEqualTo("my channel+1");
        assertThat(url.playlistName()).contains("a b.m3u8");
        assertThat(url.param("Signature")).contains("cn8hx1Oi/Tdpa6S4GijmQKzbUeA=");
        // ali-oss encodeURIComponent's the channel
        assertThat(PushUrl.parse("live", "", "my%20channel%2B1", OWN).channel()).isEqualTo("my channel+1");
    }

    @Test
    void firstOccurrenceOfARepeatedKeyWins() {
        assertThat(PushUrl.parse("live", "", "ch?a=1&a=2&flag", OWN).params())
                .containsExactly(Map.entry("a", "1"), Map.entry("flag", ""));
    }

    @Test
    void refusesOtherApplicationsEmptyAndSlashedChannelsAndBadEscapes() {
        assertThatThrownBy(() -> PushUrl.parse("app", "", "ch", OWN)).hasMessageContaining("'live' or '<bucket>/live'");
        assertThatThrownBy(() -> PushUrl.parse("Bad_Bucket/live", "", "ch", OWN)).hasMessageContaining("'live'");
        assertThatThrownBy(() -> PushUrl.parse("a/b/live", "", "ch", OWN)).hasMessageContaining("'live'");
        assertThatThrownBy(() -> PushUrl.parse("live", "", "?Expires=1", OWN)).hasMessageContaining("invalid channel");
        assertThatThrownBy(() -> PushUrl.parse("live", "", "a%2Fb", OWN)).hasMessageContaining("invalid channel");
        assertThatThrownBy(() -> PushUrl.parse("live", "", "ch?x=%zz", OWN)).hasMessageContaining("percent-encoding");
        assertThatThrownBy(() -> PushUrl.parse("live", "", "c".repeat(1024), OWN)).hasMessageContaining("invalid channel");
        assertThat(PushUrl.isPushApp("live")).isTrue();
        assertThat(PushUrl.isPushApp("/examplebucket/live/")).isTrue();
        assertThat(PushUrl.isPushApp("vod")).isFalse();
    }

    @Test
    void toStringHidesSignatureAccessKeyAndToken() {
        PushUrl url = PushUrl.parse("live", "", "ch?" + QUERY + "&security-token=STS.secret", OWN);
        assertThat(url.toString()).doesNotContain("58W4zh", "LTAIexampleAK", "STS.secret")
                .contains("playlistName=playlist.m3u8", "Signature=***");
        assertThat(url.bucket()).isEqualTo(Optional.empty());
    }
}
