package io.livechannel.rtmp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.rtmp.session.PushUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Push URL signatures on any URL an encoder may send (input: app, tcUrl and stream name, the UTF-8 text split at
 * its first two NUL characters). Properties: verifying never throws; the URL's own parameters, signed as the SDKs
 * sign them and sent percent-encoded, parse back to the same channel and parameters and verify as VALID; the same
 * URL is MISMATCH for another channel, another bucket or another secret, and EXPIRED once its Expires has passed.
 * Corpus: {@code PushSignatureFuzzTestInputs/}.
 */
class PushSignatureFuzzTest {
    private static final String SECRET = "exampleSecretKey123";
    private static final String KEY_ID = "LTAIexampleAK";
    private static final Instant NOW = Instant.parse("2026-11-21T18:00:00Z");
    private static final PushSignature SIGNATURE = new PushSignature(Clock.fixed(NOW, ZoneOffset.UTC));

    @FuzzTest(maxDuration = "60s")
    void signedUrlsVerifyAndAlteredOnesDoNot(byte[] data) {
        String[] parts = new String(data, StandardCharsets.UTF_8).split("\0", 3);
        PushUrl sent;
        try {
            sent = PushUrl.parse(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "", Set.of());
        } catch (IllegalArgumentException refused) {
            return;
        }
        String bucket = sent.bucket().orElse("examplebucket");
        assertThat(SIGNATURE.verify(sent.params(), bucket, sent.channel(), SECRET)).isNotNull();

        Map<String, String> signed = new LinkedHashMap<>(sent.params());
        signed.keySet().removeAll(Set.of(PushSignature.ACCESS_KEY_ID, PushSignature.EXPIRES, PushSignature.SIGNATURE));
        long expires = NOW.getEpochSecond() + 3600;
        PushUrl resent = resign(bucket, sent.channel(), signed, expires);
        assertThat(resent.channel()).isEqualTo(sent.channel());
        assertThat(resent.params()).containsAllEntriesOf(signed).hasSize(signed.size() + 3);
        assertThat(SIGNATURE.verify(resent.params(), bucket, resent.channel(), SECRET))
                .isEqualTo(PushSignature.Result.VALID);
        assertThat(SIGNATURE.verify(resent.params(), bucket, resent.channel() + "x", SECRET))
                .isEqualTo(PushSignature.Result.MISMATCH);
        assertThat(SIGNATURE.verify(resent.params(), bucket + "x", resent.channel(), SECRET))
                .isEqualTo(PushSignature.Result.MISMATCH);
        assertThat(SIGNATURE.verify(resent.params(), bucket, resent.channel(), SECRET + "x"))
                .isEqualTo(PushSignature.Result.MISMATCH);
        PushUrl stale = resign(bucket, sent.channel(), signed, NOW.getEpochSecond() - 1);
        assertThat(SIGNATURE.verify(stale.params(), bucket, stale.channel(), SECRET))
                .isEqualTo(PushSignature.Result.EXPIRED);
    }

    /** The URL an SDK makes for {@code params} (signed with the security token, as Java and oss2 do), as ffmpeg sends it. */
    private static PushUrl resign(String bucket, String channel, Map<String, String> params, long expires) {
        String signature = PushSignature.sign(SECRET,
                PushSignature.stringToSign(expires, params, true, bucket, channel));
        String query = params.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        query += (query.isEmpty() ? "" : "&") + PushSignature.ACCESS_KEY_ID + "=" + KEY_ID + "&"
                + PushSignature.EXPIRES + "=" + expires + "&" + PushSignature.SIGNATURE + "=" + encode(signature);
        return PushUrl.parse(bucket + "/live", "rtmp://127.0.0.1:1935/" + bucket + "/live",
                encode(channel) + "?" + query, Set.of());
    }

    /** Percent-encoding with spaces as {@code %20}: push URLs are not form-encoded, a '+' is a plus. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
