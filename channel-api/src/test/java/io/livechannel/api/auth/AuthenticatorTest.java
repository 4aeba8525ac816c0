package io.livechannel.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.api.OssRequest;
import io.livechannel.api.TestRequests;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whole captured requests of wire spec §10 through {@link Authenticator}, with the clock at capture time. */
class AuthenticatorTest {
    static final String MD5 = "lcRNvCJayw4Hbd9sw7pFqA==";
    static final Instant JAVA_CAPTURE = Instant.parse("2026-11-21T17:26:10Z");

    /** The access-key port faked with one key (STYLE B9.6). */
    static final AccessKeyCatalog KEYS = new AccessKeyCatalog() {
        @Override
        public void put(AccessKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<AccessKey> find(String id) {
            return id.equals("LTAIexampleAK") ? Optional.of(new AccessKey(id, "exampleSecretKey123")) : Optional.empty();
        }
    };

    private static Authenticator at(Instant now) {
        return new Authenticator(KEYS, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static OssRequest javaPutLiveChannel() throws Exception {
        return TestRequests.request("PUT", "/examplebucket/ch1?live", "Host", "127.0.0.1:28777",
                "Date", "Sat, 21 Nov 2026 17:26:10 GMT", "Content-MD5", MD5, "Content-Length", "240",
                "Authorization", "OSS LTAIexampleAK:JrbXudpDl215iRJ7HL++Zzj1Ju0=");
    }

    @Test
    void javaCaptureVerifiesAsSignedV1() throws Exception {
        AuthResult r = at(JAVA_CAPTURE).authenticate(javaPutLiveChannel());
        assertThat(r).isEqualTo(new AuthResult.Signed("LTAIexampleAK", AuthResult.SignatureVersion.V1_HEADER, null));
    }

    @Test
    void aliOssCaptureWithOnlyXOssDateVerifies() throws Exception {
        OssRequest r = TestRequests.request("PUT", "/ch1?live=", "host", "examplebucket.oss-cn-hangzhou.aliyuncs.com",
                "x-oss-date", "Sat, 21 Nov 2026 17:27:04 GMT", "content-md5", MD5,
                "authorization", "OSS LTAIexampleAK:mrkKKaFfAWC/Ws/mM/5mJp821LU=");
        assertThat(at(Instant.parse("2026-11-21T17:27:04Z")).authenticate(r)).isInstanceOf(AuthResult.Signed.class);
    }

    @Test
    void skewOfExactlyFifteenMinutesPassesAndOneSecondMoreFails() throws Exception {
        Duration fifteen = Duration.ofMinutes(15);
        assertThat(at(JAVA_CAPTURE.plus(fifteen)).authenticate(javaPutLiveChannel())).isInstanceOf(AuthResult.Signed.class);
        assertThat(at(JAVA_CAPTURE.minus(fifteen)).authenticate(javaPutLiveChannel())).isInstanceOf(AuthResult.Signed.class);
        assertThatThrownBy(() -> at(JAVA_CAPTURE.plus(fifteen).plusSeconds(1)).authenticate(javaPutLiveChannel()))
                .isInstanceOfSatisfying(OssException.class,
                        e -> assertThat(e.code().code()).isEqualTo("RequestTimeTooSkewed"));
        assertThatThrownBy(() -> at(JAVA_CAPTURE.minus(fifteen).minusSeconds(1)).authenticate(javaPutLiveChannel()))
                .isInstanceOfSatisfying(OssException.class,
                        e -> assertThat(e.code().code()).isEqualTo("RequestTimeTooSkewed"));
    }

    @Test
    void oneChangedByteOfTheRequestBreaksTheSignature() throws Exception {
        OssRequest changed = TestRequests.request("PUT", "/examplebucket/ch2?live", "Host", "127.0.0.1:28777",
                "Date", "Sat, 21 Nov 2026 17:26:10 GMT", "Content-MD5", MD5,
                "Authorization", "OSS LTAIexampleAK:JrbXudpDl215iRJ7HL++Zzj1Ju0=");
        assertThatThrownBy(() -> at(JAVA_CAPTURE).authenticate(changed)).isInstanceOfSatisfying(OssException.class,
                e -> {
                    assertThat(e.code().code()).isEqualTo("SignatureDoesNotMatch");
                    assertThat(e.details().stringToSign()).endsWith("/examplebucket/ch2?live");
                });
    }

    @Test
    void presignedV1ExpiresAtTheGivenSecond() throws Exception {
        OssRequest r = TestRequests.request("GET", "/examplebucket/test-channel/playlist.m3u8?Expires=1700000000"
                + "&OSSAccessKeyId=LTAIexampleAK&Signature=o8j6qleSDz8aDGGUgwVJc%2FzG8fU%3D");
        assertThat(at(Instant.ofEpochSecond(1_700_000_000)).authenticate(r))
                .isEqualTo(new AuthResult.Signed("LTAIexampleAK", AuthResult.SignatureVersion.V1_PRESIGNED, null));
        assertThatThrownBy(() -> at(Instant.ofEpochSecond(1_700_000_001)).authenticate(r))
                .isInstanceOfSatisfying(OssException.class, e -> {
                    assertThat(e.code().code()).isEqualTo("AccessDenied");
                    assertThat(e.getMessage()).isEqualTo("Request has expired.");
                });
    }

    @Test
    void presignedStsTokenIsPartOfTheSignature() throws Exception {
        OssRequest r = TestRequests.request("GET", "/examplebucket/test-channel/playlist.m3u8?Expires=1700000000"
                + "&OSSAccessKeyId=LTAIexampleAK&Signature=Gqul2nCTE9ppppU%2BwYZnw2EFE88%3D"
                + "&security-token=STS.exampleToken");
        assertThat(at(Instant.ofEpochSecond(1_699_999_000)).authenticate(r)).isEqualTo(new AuthResult.Signed(
                "LTAIexampleAK", AuthResult.SignatureVersion.V1_PRESIGNED, "STS.exampleToken"));
    }

    @Test
    void v4HeaderOfVector9Verifies() throws Exception {
        OssRequest r = TestRequests.request("PUT", "/examplebucket/test-channel?live",
                "x-oss-date", "20250417T103000Z", "x-oss-content-sha256", "UNSIGNED-PAYLOAD", "content-md5", MD5,
                "Authorization", "OSS4-HMAC-SHA256 Credential=LTAIexampleAK/20250417/cn-hangzhou/oss/aliyun_v4_request,"
                        + "Signature=6f5a99ef5b65f15559cce734bbcd3e23dca39e343c2e8fe98e1671edfe657679");
        assertThat(at(Instant.parse("2025-04-17T10:30:00Z")).authenticate(r)).isEqualTo(
                new AuthResult.Signed("LTAIexampleAK", AuthResult.SignatureVersion.V4_HEADER, null));
        assertThatThrownBy(() -> at(Instant.parse("2025-04-17T10:50:00Z")).authenticate(r))
                .isInstanceOfSatisfying(OssException.class,
                        e -> assertThat(e.code().code()).isEqualTo("RequestTimeTooSkewed"));
    }

    @Test
    void noCredentialsAtAllIsAnonymous() throws Exception {
        assertThat(at(JAVA_CAPTURE).authenticate(TestRequests.request("GET", "/examplebucket/a.ts")))
                .isInstanceOf(AuthResult.Anonymous.class);
    }

    @Test
    void v4BodyThatDiffersFromTheSignedSha256IsInvalidDigest() throws Exception {
        String sha = java.util.HexFormat.of().formatHex(Hmac.sha256Digest("abc"));
        OssRequest unsigned = TestRequests.request("PUT", "/examplebucket/a.txt", "abc".getBytes(),
                "x-oss-date", "20250417T103000Z", "x-oss-content-sha256", sha);
        SignatureV4.Scope scope = new SignatureV4.Scope("20250417", "cn-hangzhou", "oss");
        String canonical = SignatureV4.canonicalRequest("PUT", "examplebucket", "a.txt", java.util.Map.of(),
                unsigned.headers(), java.util.Set.of());
        String signature = SignatureV4.sign("exampleSecretKey123", scope,
                SignatureV4.stringToSign("20250417T103000Z", scope, canonical));
        String auth = "OSS4-HMAC-SHA256 Credential=LTAIexampleAK/" + scope + ",Signature=" + signature;
        Authenticator authenticator = at(Instant.parse("2025-04-17T10:30:00Z"));

        assertThat(authenticator.authenticate(TestRequests.request("PUT", "/examplebucket/a.txt", "abc".getBytes(),
                "x-oss-date", "20250417T103000Z", "x-oss-content-sha256", sha, "Authorization", auth)))
                .isInstanceOf(AuthResult.Signed.class);
        assertThatThrownBy(() -> authenticator.authenticate(TestRequests.request("PUT", "/examplebucket/a.txt",
                "abd".getBytes(), "x-oss-date", "20250417T103000Z", "x-oss-content-sha256", sha, "Authorization", auth)))
                .isInstanceOfSatisfying(OssException.class, e -> assertThat(e.code().code()).isEqualTo("InvalidDigest"));
    }
}
