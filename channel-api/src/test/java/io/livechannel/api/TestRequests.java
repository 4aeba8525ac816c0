package io.livechannel.api;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/** Builds {@link OssRequest}s the way {@link RequestHandler} does, from a request line and headers. */
public final class TestRequests {
    public static final List<String> DOMAINS = List.of("oss.lc.test");

    private TestRequests() {
    }

    /**
     * @param uri the raw request target, e.g. {@code /examplebucket/ch1?live}
     * @param headers alternating names and values
     */
    public static OssRequest request(String method, String uri, String... headers) throws Exception {
        return request(method, uri, new byte[0], headers);
    }

    public static OssRequest request(String method, String uri, byte[] body, String... headers) throws Exception {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        int q = uri.indexOf('?');
        RequestTarget target = RequestTarget.resolve(h.get("Host", "127.0.0.1:8080"),
                q < 0 ? uri : uri.substring(0, q), DOMAINS);
        return new OssRequest(HttpMethod.valueOf(method), target, QueryParameters.parse(q < 0 ? null : uri.substring(q + 1)),
                h, body, new OssRequest.RequestContext("TESTREQUESTID", "127.0.0.1:5555", 8080));
    }
}
