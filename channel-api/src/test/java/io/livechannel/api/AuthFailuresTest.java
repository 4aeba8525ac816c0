package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import io.livechannel.storage.PutOptions;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each authentication failure gets its documented code (livechannel.md "Authentication", wire spec §4.3, §8). */
class AuthFailuresTest {
    static final String BUCKET = ApiTestServer.BUCKET;

    @TempDir
    Path dir;
    ApiTestServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static String errorCode(OSS client) {
        try {
            client.getLiveChannelInfo(BUCKET, "nope");
            return "no error";
        } catch (OSSException e) {
            return e.getErrorCode();
        } finally {
            client.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void unknownAccessKeyIsInvalidAccessKeyId(OssClients variant) throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        assertThat(errorCode(variant.client(server.port(), "LTAIunknown", "whatever"))).isEqualTo("InvalidAccessKeyId");
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void wrongSecretIsSignatureDoesNotMatch(OssClients variant) throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        assertThat(errorCode(variant.client(server.port(), ApiTestServer.ACCESS_KEY_ID, "wrong")))
                .isEqualTo("SignatureDoesNotMatch");
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void clockSkewOverFifteenMinutesIsRequestTimeTooSkewed(OssClients variant) throws Exception {
        server = new ApiTestServer(dir, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(16)));
        assertThat(errorCode(variant.client(server.port()))).isEqualTo("RequestTimeTooSkewed");
    }

    @Test
    void signatureMismatchBodyCarriesTheStringToSign() throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        String date = RequestHandler.HTTP_DATE.format(Instant.now());
        RawHttp.Answer a = new RawHttp(server.port()).send("GET", "/examplebucket/ch1?live&comp=stat", null,
                "Date", date, "Authorization", "OSS " + ApiTestServer.ACCESS_KEY_ID + ":AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.body()).contains("<Code>SignatureDoesNotMatch</Code>")
                .contains("<StringToSign>GET\n\n\n" + date + "\n/examplebucket/ch1?comp=stat&amp;live</StringToSign>")
                .contains("<SignatureProvided>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</SignatureProvided>")
                .contains("<OSSAccessKeyId>LTAIexampleAK</OSSAccessKeyId>")
                .doesNotContain(ApiTestServer.ACCESS_KEY_SECRET);
        assertThat(a.header("x-oss-request-id")).hasSize(24);
    }

    @Test
    void malformedAuthorizationHeaderIsInvalidArgument() throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        RawHttp http = new RawHttp(server.port());
        String date = RequestHandler.HTTP_DATE.format(Instant.now());
        for (String header : new String[] {"OSS no-colon", "Basic dXNlcjpwYXNz", "OSS4-HMAC-SHA256 Credential=x",
                "OSS4-HMAC-SHA256 Credential=LTAIexampleAK/2026/cn-hangzhou/oss/aliyun_v4_request,Signature=00"}) {
            RawHttp.Answer a = http.send("GET", "/examplebucket/ch1?live", null, "Date", date, "Authorization", header);
            assertThat(a.status()).as(header).isEqualTo(400);
            assertThat(a.body()).as(header).contains("<Code>InvalidArgument</Code>");
        }
        RawHttp.Answer badDate = http.send("GET", "/examplebucket/ch1?live", null, "Date", "yesterday",
                "Authorization", "OSS LTAIexampleAK:AAAA");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.body()).contains("<Code>InvalidArgument</Code>");
    }

    @Test
    void anonymousRequestsToAPrivateBucketAreAccessDenied() throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        server.objects.put(BUCKET, "ch1/playlist.m3u8", new byte[] {'#'}, PutOptions.of("application/x-mpegURL"));
        RawHttp.Answer a = new RawHttp(server.port()).send("GET", "/examplebucket/ch1/playlist.m3u8", null);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.body()).contains("<Code>AccessDenied</Code>");
    }

    @Test
    void presignedUrlsWorkUntilTheyExpire() throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        server.objects.put(BUCKET, "ch1/playlist.m3u8", "#EXTM3U\n".getBytes(StandardCharsets.UTF_8),
                PutOptions.of("application/x-mpegURL"));
        OSS client = OssClients.PATH_STYLE_V1.client(server.port());
        URL valid = client.generatePresignedUrl(BUCKET, "ch1/playlist.m3u8", new Date(System.currentTimeMillis() + 600_000));
        URL expired = client.generatePresignedUrl(BUCKET, "ch1/playlist.m3u8", new Date(System.currentTimeMillis() - 60_000));
        client.shutdown();

        assertThat(get(valid).statusCode()).isEqualTo(200);
        assertThat(get(valid).body()).isEqualTo("#EXTM3U\n");
        HttpResponse<String> e = get(expired);
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.body()).contains("<Code>AccessDenied</Code>").contains("Request has expired.");
        HttpResponse<String> tampered = get(new URL(valid.toString().replace("Expires=", "Expires=9")));
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void v4PresignedUrlsWork() throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        server.objects.put(BUCKET, "ch1/1.ts", "ts".getBytes(StandardCharsets.UTF_8), PutOptions.of("video/MP2T"));
        OSS client = OssClients.PATH_STYLE_V4.client(server.port());
        URL url = client.generatePresignedUrl(BUCKET, "ch1/1.ts", new Date(System.currentTimeMillis() + 600_000));
        client.shutdown();
        assertThat(url.getQuery()).contains("x-oss-signature-version=OSS4-HMAC-SHA256");
        HttpResponse<String> r = get(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ts");
        assertThat(get(new URL(url.toString().replace("ch1/1.ts", "ch1/2.ts"))).body())
                .contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void stsSecurityTokenIsSignedAndAccepted(OssClients variant) throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        ClientBuilderConfiguration conf = new ClientBuilderConfiguration();
        conf.setMaxErrorRetry(0);
        conf.setSignatureVersion(variant.name().endsWith("V4") ? com.aliyun.oss.common.comm.SignVersion.V4
                : com.aliyun.oss.common.comm.SignVersion.V1);
        OSS client = OSSClientBuilder.create().endpoint(variant.endpoint(server.port()))
                .credentialsProvider(new DefaultCredentialProvider(ApiTestServer.ACCESS_KEY_ID,
                        ApiTestServer.ACCESS_KEY_SECRET, "STS.exampleToken"))
                .clientConfiguration(conf).region("cn-hangzhou").build();
        try {
            assertThatThrownBy(() -> client.getLiveChannelInfo(BUCKET, "nope")).isInstanceOfSatisfying(
                    OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NoSuchLiveChannel"));
            server.objects.put(BUCKET, "a.ts", new byte[] {1}, PutOptions.of("video/MP2T"));
            URL url = client.generatePresignedUrl(BUCKET, "a.ts", new Date(System.currentTimeMillis() + 600_000));
            assertThat(url.getQuery()).contains("security-token=STS.exampleToken");
            assertThat(get(url).statusCode()).isEqualTo(200);
        } finally {
            client.shutdown();
        }
    }

    private static HttpResponse<String> get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
