package io.livechannel.bench;

import io.livechannel.api.AddressingStyle;
import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.RequestTarget;
import io.livechannel.api.auth.AuthResult;
import io.livechannel.api.auth.Authenticator;
import io.livechannel.api.auth.SignatureV1;
import io.livechannel.api.error.OssException;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signature verification throughput (issue 9), ops/s on one thread:
 * <ul>
 *   <li>{@code v1Header}: {@link Authenticator#authenticate} of a GET of a live playlist signed with an OSS V1
 *       {@code Authorization} header (header parse, key lookup in a map, date skew check, StringToSign, HMAC-SHA1,
 *       constant-time compare);</li>
 *   <li>{@code rtmpPushUrl}: {@link PushSignature#verify} of the signed push URL vector of
 *       oss-sdk-wire-spec.md §6.2 (the check every RTMP publish makes).</li>
 * </ul>
 * Setup checks that both verify successfully, so a benchmark of the failure path cannot pass unnoticed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignatureBenchmark {
    private static final String KEY_ID = "LTAIexampleAK";
    private static final String SECRET = "exampleSecretKey123";

    private Authenticator authenticator;
    private OssRequest request;
    private PushSignature pushSignature;
    private Map<String, String> pushParams;

    @Setup
    public void setUp() throws OssException {
        Instant now = Instant.parse("2026-11-21T18:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        AccessKey key = new AccessKey(KEY_ID, SECRET);
        AccessKeyCatalog keys = new AccessKeyCatalog() {
            @Override
            public void put(AccessKey k) {
                throw new UnsupportedOperationException("read-only in the benchmark");
            }

            @Override
            public Optional<AccessKey> find(String id) {
                return KEY_ID.equals(id) ? Optional.of(key) : Optional.empty();
            }
        };
        authenticator = new Authenticator(keys, clock);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US)
                .format(ZonedDateTime.ofInstant(now, ZoneOffset.UTC));
        HttpHeaders headers = new DefaultHttpHeaders().set("Host", "127.0.0.1:8080").set("Date", date)
                .set("User-Agent", "aliyun-sdk-java/3.18.1");
        String toSign = SignatureV1.stringToSign("GET", headers, date, "/live/ch1/playlist.m3u8");
        headers.set("Authorization", "OSS " + KEY_ID + ":" + SignatureV1.sign(SECRET, toSign));
        request = new OssRequest(HttpMethod.GET,
                new RequestTarget(AddressingStyle.PATH, "live", "ch1/playlist.m3u8", "127.0.0.1", 8080),
                QueryParameters.EMPTY, headers, new byte[0],
                new OssRequest.RequestContext("bench", "127.0.0.1:50000", 8080));
        if (!(authenticator.authenticate(request) instanceof AuthResult.Signed)) {
            throw new IllegalStateException("the V1 request does not verify");
        }

        pushSignature = new PushSignature(Clock.fixed(Instant.ofEpochSecond(1_699_999_000L), ZoneOffset.UTC));
        pushParams = new LinkedHashMap<>();
        pushParams.put("Expires", "1700000000");
        pushParams.put("OSSAccessKeyId", KEY_ID);
        pushParams.put("Signature", "58W4zhlFXFe4PpdmnQOU9B1QFBY=");
        pushParams.put("playlistName", "playlist.m3u8");
        if (rtmpPushUrl() != PushSignature.Result.VALID) {
            throw new IllegalStateException("the push URL vector does not verify");
        }
    }

    @Benchmark
    public AuthResult v1Header() throws OssException {
        return authenticator.authenticate(request);
    }

    @Benchmark
    public PushSignature.Result rtmpPushUrl() {
        return pushSignature.verify(pushParams, "examplebucket", "test-channel", SECRET);
    }
}
