package io.livechannel.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.api.OssRequest;
import io.livechannel.api.TestRequests;
import org.junit.jupiter.api.Test;

/** The test vectors of wire spec §10 (all produced by running the official SDKs), verified by our signers. */
class SignatureVectorsTest {
    static final String SECRET = "exampleSecretKey123";
    static final String MD5 = "lcRNvCJayw4Hbd9sw7pFqA==";

    private static String v1StringToSign(OssRequest r, String dateValue) {
        return SignatureV1.stringToSign(r.method().name(), r.headers(), dateValue,
                CanonicalizedResource.of(r.bucket(), r.key(), r.query().asMap()));
    }

    @Test
    void vector1_javaPutLiveChannelHeaderSignature() throws Exception {
        OssRequest r = TestRequests.request("PUT", "/examplebucket/test-channel?live",
                "Content-MD5", MD5, "Date", "Thu, 25 Aug 2016 07:13:26 GMT");
        String toSign = v1StringToSign(r, "Thu, 25 Aug 2016 07:13:26 GMT");
        assertThat(toSign).isEqualTo("PUT\n" + MD5 + "\n\nThu, 25 Aug 2016 07:13:26 GMT\n/examplebucket/test-channel?live");
        assertThat(SignatureV1.sign(SECRET, toSign)).isEqualTo("A10693ezGYWEDWiDEeVmf4SBuxk=");
    }

    @Test
    void vector2_statSignsCompAndLiveSorted() throws Exception {
        OssRequest r = TestRequests.request("GET", "/examplebucket/test-channel?comp=stat&live",
                "Date", "Thu, 25 Aug 2016 07:13:26 GMT");
        String toSign = v1StringToSign(r, "Thu, 25 Aug 2016 07:13:26 GMT");
        assertThat(toSign).endsWith("\n/examplebucket/test-channel?comp=stat&live");
        assertThat(SignatureV1.sign(SECRET, toSign)).isEqualTo("EBBF2qE/SG6mil8Gb9+k63LmKdQ=");
    }

    @Test
    void vector3_listParametersAreNotSigned() throws Exception {
        OssRequest r = TestRequests.request("GET", "/examplebucket/?live&prefix=ch&marker=&max-keys=10",
                "Date", "Thu, 25 Aug 2016 07:13:26 GMT");
        String toSign = v1StringToSign(r, "Thu, 25 Aug 2016 07:13:26 GMT");
        assertThat(toSign).isEqualTo("GET\n\n\nThu, 25 Aug 2016 07:13:26 GMT\n/examplebucket/?live");
        assertThat(SignatureV1.sign(SECRET, toSign)).isEqualTo("6deA+XVgXwC0t57CiNnswxKCfeM=");
    }

    @Test
    void vector4_javaWireCaptureWithIpHost() throws Exception {
        OssRequest r = TestRequests.request("PUT", "/examplebucket/ch1?live", "Host", "127.0.0.1:28777",
                "Date", "Sat, 21 Nov 2026 17:26:10 GMT", "Content-MD5", MD5, "Content-Length", "240");
        assertThat(SignatureV1.sign(SECRET, v1StringToSign(r, "Sat, 21 Nov 2026 17:26:10 GMT")))
                .isEqualTo("JrbXudpDl215iRJ7HL++Zzj1Ju0=");
    }

    @Test
    void vector5_aliOssSignsXOssDateAndBucketFromForeignHost() throws Exception {
        OssRequest r = TestRequests.request("PUT", "/ch1?live=", "host", "examplebucket.oss-cn-hangzhou.aliyuncs.com",
                "x-oss-date", "Sat, 21 Nov 2026 17:27:04 GMT", "content-md5", MD5);
        String toSign = v1StringToSign(r, "Sat, 21 Nov 2026 17:27:04 GMT");
        assertThat(toSign).isEqualTo("PUT\n" + MD5 + "\n\nSat, 21 Nov 2026 17:27:04 GMT\n"
                + "x-oss-date:Sat, 21 Nov 2026 17:27:04 GMT\n/examplebucket/ch1?live");
        assertThat(SignatureV1.sign(SECRET, toSign)).isEqualTo("mrkKKaFfAWC/Ws/mM/5mJp821LU=");
    }

    @Test
    void vector6_presignedUrlSignsExpiresInPlaceOfDate() {
        String toSign = "GET\n\n\n1700000000\n/examplebucket/test-channel/playlist.m3u8";
        assertThat(SignatureV1.sign(SECRET, toSign)).isEqualTo("o8j6qleSDz8aDGGUgwVJc/zG8fU=");
    }

    @Test
    void vector7_presignedStsTokenIsASignedSubResource() throws Exception {
        OssRequest r = TestRequests.request("GET", "/examplebucket/test-channel/playlist.m3u8?security-token=STS.exampleToken");
        String toSign = v1StringToSign(r, "1700000000");
        assertThat(toSign).endsWith("/examplebucket/test-channel/playlist.m3u8?security-token=STS.exampleToken");
        assertThat(SignatureV1.sign(SECRET, toSign)).isEqualTo("Gqul2nCTE9ppppU+wYZnw2EFE88=");
    }

    @Test
    void vector9_v4PutLiveChannel() throws Exception {
        OssRequest r = TestRequests.request("PUT", "/examplebucket/test-channel?live",
                "x-oss-date", "20250417T103000Z", "x-oss-content-sha256", "UNSIGNED-PAYLOAD", "content-md5", MD5);
        String canonical = SignatureV4.canonicalRequest("PUT", r.bucket(), r.key(), r.query().asMap(), r.headers(),
                java.util.Set.of());
        assertThat(canonical).isEqualTo("PUT\n/examplebucket/test-channel\nlive\ncontent-md5:" + MD5
                + "\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20250417T103000Z\n\n\nUNSIGNED-PAYLOAD");
        SignatureV4.Scope scope = new SignatureV4.Scope("20250417", "cn-hangzhou", "oss");
        String toSign = SignatureV4.stringToSign("20250417T103000Z", scope, canonical);
        assertThat(toSign).isEqualTo("OSS4-HMAC-SHA256\n20250417T103000Z\n20250417/cn-hangzhou/oss/aliyun_v4_request\n"
                + "4e7afeead0ea6b2b79fc2c603a87cdb48ba013927bec64d49f453cb14be1c6d8");
        assertThat(SignatureV4.sign(SECRET, scope, toSign))
                .isEqualTo("6f5a99ef5b65f15559cce734bbcd3e23dca39e343c2e8fe98e1671edfe657679");
    }

    @Test
    void vector10_v4StatCanonicalRequest() throws Exception {
        OssRequest r = TestRequests.request("GET", "/examplebucket/test-channel?live&comp=stat",
                "x-oss-date", "20250417T103000Z", "x-oss-content-sha256", "UNSIGNED-PAYLOAD");
        String canonical = SignatureV4.canonicalRequest("GET", r.bucket(), r.key(), r.query().asMap(), r.headers(),
                java.util.Set.of());
        assertThat(canonical).isEqualTo("GET\n/examplebucket/test-channel\ncomp=stat&live\n"
                + "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20250417T103000Z\n\n\nUNSIGNED-PAYLOAD");
        SignatureV4.Scope scope = new SignatureV4.Scope("20250417", "cn-hangzhou", "oss");
        String toSign = SignatureV4.stringToSign("20250417T103000Z", scope, canonical);
        assertThat(SignatureV4.sign(SECRET, scope, toSign))
                .isEqualTo("35dddec74e8379ee34c2ffd0c7501f8de3e4fd08271cae50bd1290acc47538eb");
    }

    @Test
    void v4UriEncodingKeepsSlashInPathAndEncodesEverythingElseUpperCase() {
        assertThat(SignatureV4.uriEncode("/examplebucket/dir/a b+c~*'(é).ts", false))
                .isEqualTo("/examplebucket/dir/a%20b%2Bc~%2A%27%28%C3%A9%29.ts");
        assertThat(SignatureV4.uriEncode("LTAIexampleAK/20261121/cn-hangzhou/oss/aliyun_v4_request", true))
                .isEqualTo("LTAIexampleAK%2F20261121%2Fcn-hangzhou%2Foss%2Faliyun_v4_request");
    }
}
