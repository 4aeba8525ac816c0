package io.livechannel.rtmp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The RTMP vectors of oss-sdk-wire-spec.md §6.2 and §10 #8 (computed by running the official SDKs). */
class PushSignatureTest {
    private static final String SECRET = "exampleSecretKey123";
    private static final Clock BEFORE_EXPIRY = Clock.fixed(Instant.ofEpochSecond(1_699_999_000L), ZoneOffset.UTC);
    private static final Clock AFTER_EXPIRY = Clock.fixed(Instant.ofEpochSecond(1_700_000_001L), ZoneOffset.UTC);

    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments("plain (Java, ali-oss, oss2; Go)", "test-channel",
                        params("playlistName", "playlist.m3u8"),
                        "1700000000\nplaylistName:playlist.m3u8\n/examplebucket/test-channel",
                        "58W4zhlFXFe4PpdmnQOU9B1QFBY="),
                arguments("STS token, signed as Java and oss2 do", "test-channel",
                        params("playlistName", "playlist.m3u8", "security-token", "STS.exampleToken"),
                        "1700000000\nplaylistName:playlist.m3u8\nsecurity-token:STS.exampleToken\n/examplebucket/test-channel",
                        "AycnwRlge0o5lJtuh1d29aA+d6A="),
                arguments("no params (ali-oss without playlistName)", "test-channel", params(),
                        "1700000000\n/examplebucket/test-channel", "KFIH6x6D7dYGGKNrvtFMxP1XZ1Y="),
                arguments("special characters (Java), decoded values", "my channel+1",
                        params("playlistName", "a b.m3u8"),
                        "1700000000\nplaylistName:a b.m3u8\n/examplebucket/my channel+1",
                        "cn8hx1Oi/Tdpa6S4GijmQKzbUeA="));
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The query as a URL carries it: the auth params, which are not signed, plus the vector's params. */
    private static Map<String, String> url(Map<String, String> signed, String signature) {
        Map<String, String> m = params("Expires", "1700000000", "OSSAccessKeyId", "LTAIexampleAK", "Signature", signature);
        m.putAll(signed);
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void buildsTheStringToSignOfTheVector(String name, String channel, Map<String, String> params, String stringToSign,
            String signature) {
        assertThat(PushSignature.stringToSign(1_700_000_000L, url(params, signature), true, "examplebucket", channel))
                .isEqualTo(stringToSign);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void signsToTheSdkSignature(String name, String channel, Map<String, String> params, String stringToSign,
            String signature) {
        assertThat(PushSignature.sign(SECRET, stringToSign)).isEqualTo(signature);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verifiesTheSdkUrlBeforeExpiry(String name, String channel, Map<String, String> params, String stringToSign,
            String signature) {
        assertThat(new PushSignature(BEFORE_EXPIRY).verify(url(params, signature), "examplebucket", channel, SECRET))
                .isEqualTo(PushSignature.Result.VALID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void reportsExpiryOfAValidSignature(String name, String channel, Map<String, String> params, String stringToSign,
            String signature) {
        assertThat(new PushSignature(AFTER_EXPIRY).verify(url(params, signature), "examplebucket", channel, SECRET))
                .isEqualTo(PushSignature.Result.EXPIRED);
    }

    @Test
    void acceptsGoStyleSignatureThatLeavesTheSecurityTokenOut() {
        // Go's getRtmpSignedStr excludes security-token from the string; its signature equals the plain vector
        Map<String, String> go = url(params("playlistName", "playlist.m3u8", "security-token", "STS.exampleToken"),
                "58W4zhlFXFe4PpdmnQOU9B1QFBY=");
        assertThat(new PushSignature(BEFORE_EXPIRY).verify(go, "examplebucket", "test-channel", SECRET))
                .isEqualTo(PushSignature.Result.VALID);
    }

    @Test
    void rejectsWrongSecretOtherBucketOtherChannelAndAlteredParams() {
        PushSignature signature = new PushSignature(BEFORE_EXPIRY);
        Map<String, String> good = url(params("playlistName", "playlist.m3u8"), "58W4zhlFXFe4PpdmnQOU9B1QFBY=");
        assertThat(signature.verify(good, "examplebucket", "test-channel", "otherSecret"))
                .isEqualTo(PushSignature.Result.MISMATCH);
        assertThat(signature.verify(good, "otherbucket", "test-channel", SECRET)).isEqualTo(PushSignature.Result.MISMATCH);
        assertThat(signature.verify(good, "examplebucket", "other-channel", SECRET))
                .isEqualTo(PushSignature.Result.MISMATCH);
        Map<String, String> altered = new LinkedHashMap<>(good);
        altered.put("playlistName", "other.m3u8");
        assertThat(signature.verify(altered, "examplebucket", "test-channel", SECRET))
                .isEqualTo(PushSignature.Result.MISMATCH);
    }

    @Test
    void reportsUnsignedAndMalformedUrls() {
        PushSignature signature = new PushSignature(BEFORE_EXPIRY);
        assertThat(signature.verify(params("playlistName", "p.m3u8"), "examplebucket", "test-channel", SECRET))
                .isEqualTo(PushSignature.Result.UNSIGNED);
        assertThat(signature.verify(params("Expires", "soon", "OSSAccessKeyId", "LTAIexampleAK", "Signature", "x"),
                "examplebucket", "test-channel", SECRET)).isEqualTo(PushSignature.Result.MALFORMED);
    }
}
