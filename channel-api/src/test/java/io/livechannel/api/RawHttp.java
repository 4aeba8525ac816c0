package io.livechannel.api;

import io.livechannel.api.auth.CanonicalizedResource;
import io.livechannel.api.auth.SignatureV1;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Plain HTTP requests to an {@link ApiTestServer}, for what the SDK will not send (malformed headers, bad
 * query values, hand-written XML). {@link #signed} signs with V1 using our signer, which the wire-spec vectors
 * prove equal to the SDKs'.
 */
public final class RawHttp {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    /** The answer as a user of curl would see it. */
    public record Answer(int status, Map<String, java.util.List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An unsigned request; {@code headers} alternate names and values. */
    public Answer send(String method, String pathAndQuery, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().map(), new String(r.body(), StandardCharsets.UTF_8));
    }

    /** A V1 header-signed path-style request by the test key, dated {@code now}. */
    public Answer signed(String method, String pathAndQuery, byte[] body, Instant now, String... headers)
            throws Exception {
        String date = RequestHandler.HTTP_DATE.format(now);
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        OssRequest parsed = TestRequests.request(method, pathAndQuery);
        String toSign = SignatureV1.stringToSign(method, h, date,
                CanonicalizedResource.of(parsed.bucket(), parsed.key(), parsed.query().asMap()));
        String auth = "OSS " + ApiTestServer.ACCESS_KEY_ID + ":"
                + SignatureV1.sign(ApiTestServer.ACCESS_KEY_SECRET, toSign);
        String[] all = new String[headers.length + 4];
        System.arraycopy(headers, 0, all, 0, headers.length);
        all[headers.length] = "Date";
        all[headers.length + 1] = date;
        all[headers.length + 2] = "Authorization";
        all[headers.length + 3] = auth;
        return send(method, pathAndQuery, body, all);
    }
}
