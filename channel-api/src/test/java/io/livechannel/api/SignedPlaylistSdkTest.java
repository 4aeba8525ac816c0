package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.HttpMethod;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.GeneratePresignedUrlRequest;
import com.aliyun.oss.model.GetObjectRequest;
import com.aliyun.oss.model.ObjectMetadata;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code x-oss-process=hls/sign} with URLs the official Java SDK presigns
 * ({@code GeneratePresignedUrlRequest.setProcess("hls/sign")}), V1 and V4, both addressing styles: a player holding
 * only the playlist URL can fetch every segment of a private bucket, each through its own signature, all dying
 * with the playlist URL.
 */
class SignedPlaylistSdkTest {
    static final String BUCKET = ApiTestServer.BUCKET;
    static final String PLAYLIST = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n"
            + "#EXTINF:2.000,\n1700000000000.ts\n#EXTINF:2.000,\n1700000002000.ts\n#EXTINF:1.500,\n"
            + "1700000004000.ts\n#EXT-X-ENDLIST\n";

    @TempDir
    Path dir;
    ApiTestServer server;
    OSS oss;

    @AfterEach
    void stop() throws Exception {
        oss.shutdown();
        server.close();
    }

    private OSS start(OssClients variant, String securityToken) throws Exception {
        server = new ApiTestServer(dir, Clock.systemUTC());
        oss = variant.client(server.port(), ApiTestServer.ACCESS_KEY_ID, ApiTestServer.ACCESS_KEY_SECRET,
                securityToken);
        put("cam1/playlist.m3u8", PLAYLIST, "application/x-mpegURL");
        for (String segment : List.of("1700000000000", "1700000002000", "1700000004000")) {
            put("cam1/" + segment + ".ts", "segment " + segment, "video/MP2T");
        }
        return oss;
    }

    @ParameterizedTest
    @EnumSource(OssClients.class)
    void everySegmentOfTheSignedPlaylistPlaysThroughItsOwnSignatureExpiringWithThePlaylistUrl(OssClients variant)
            throws Exception {
        start(variant, null);
        URL url = presign("cam1/playlist.m3u8", "hls/sign");

        Answer playlist = get(url.toString());

        assertThat(playlist.status).isEqualTo(200);
        assertThat(playlist.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(playlist.header("Content-Type")).isEqualTo("application/x-mpegURL");
        List<String> lines = playlist.body.lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("#")).toList())
                .isEqualTo(PLAYLIST.lines().filter(l -> l.startsWith("#")).toList());
        List<String> uris = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertThat(uris).hasSize(3);
        Map<String, String> outer = query(url.toString());
        String prefix = variant.isVirtualHosted() ? "/cam1/" : "/" + BUCKET + "/cam1/";
        for (String uri : uris) {
            assertThat(uri).startsWith(prefix);
            Map<String, String> inner = query(uri);
            for (String sameAsOuter : variant.name().endsWith("V1") ? List.of("OSSAccessKeyId", "Expires")
                    : List.of("x-oss-credential", "x-oss-date", "x-oss-expires")) {
                assertThat(inner.get(sameAsOuter)).as(sameAsOuter).isEqualTo(outer.get(sameAsOuter));
            }
            Answer segment = get("http://" + variant.bucketAuthority(server.port()) + uri);
            assertThat(segment.status).as(uri).isEqualTo(200);
            assertThat(segment.body).isEqualTo("segment " + uri.substring(prefix.length(), prefix.length() + 13));
        }
        String swapped = uris.get(0).replace("1700000000000.ts", "1700000002000.ts");
        assertThat(get("http://" + variant.bucketAuthority(server.port()) + swapped).status)
                .as("a segment signature is bound to its own object").isEqualTo(403);
    }

    @ParameterizedTest
    @EnumSource(value = OssClients.class, names = {"PATH_STYLE_V1", "VIRTUAL_HOSTED_V4"})
    void theSecurityTokenOfThePlaylistUrlIsSignedIntoEverySegmentUrl(OssClients variant) throws Exception {
        start(variant, "sts-token-value/1");
        URL url = presign("cam1/playlist.m3u8", "hls/sign");
        String tokenParam = variant.name().endsWith("V1") ? "security-token" : "x-oss-security-token";
        assertThat(query(url.toString())).containsEntry(tokenParam, "sts-token-value/1");

        Answer playlist = get(url.toString());

        assertThat(playlist.status).isEqualTo(200);
        List<String> uris = playlist.body.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(uris).hasSize(3).allSatisfy(uri -> {
            assertThat(query(uri)).containsEntry(tokenParam, "sts-token-value/1");
            assertThat(get("http://" + variant.bucketAuthority(server.port()) + uri).status).isEqualTo(200);
        });
    }

    @ParameterizedTest
    @EnumSource(value = OssClients.class, names = {"PATH_STYLE_V1", "PATH_STYLE_V4"})
    void aMasterPlaylistSignsHlsSignIntoItsChildrenWhichRewriteInTurn(OssClients variant) throws Exception {
        start(variant, null);
        put("cam1/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nplaylist.m3u8\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=200000\n/" + BUCKET + "/cam1/playlist.m3u8\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=100000\nhttp://cdn.example.com/other.m3u8\n", "application/x-mpegURL");

        Answer master = get(presign("cam1/master.m3u8", "hls/sign").toString());

        assertThat(master.status).isEqualTo(200);
        List<String> children = master.body.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(children.get(2)).as("another host's URL stays as it is").isEqualTo("http://cdn.example.com/other.m3u8");
        for (String child : children.subList(0, 2)) {
            assertThat(child).startsWith("/" + BUCKET + "/cam1/playlist.m3u8?");
            assertThat(query(child)).containsEntry("x-oss-process", "hls/sign");
            Answer media = get("http://127.0.0.1:" + server.port() + child);
            assertThat(media.status).isEqualTo(200);
            String segment = media.body.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
            assertThat(get("http://127.0.0.1:" + server.port() + segment).body).isEqualTo("segment 1700000000000");
        }
    }

    @Test
    void aMasterListingSegmentsIsRefusedWithTheReferenceErrorCode() throws Exception {
        start(OssClients.PATH_STYLE_V1, null);
        put("cam1/mixed.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nplaylist.m3u8\n#EXTINF:2.000,\n"
                + "1700000000000.ts\n", "application/x-mpegURL");

        Answer answer = get(presign("cam1/mixed.m3u8", "hls/sign").toString());

        assertThat(answer.status).isEqualTo(400);
        assertThat(answer.body).contains("<Code>InvalidArgument</Code>").contains("<EC>0044-00000409</EC>");
    }

    @Test
    void aHeaderSignedHlsSignRequestIsRefused() throws Exception {
        start(OssClients.PATH_STYLE_V1, null);
        GetObjectRequest request = new GetObjectRequest(BUCKET, "cam1/playlist.m3u8");
        request.setProcess("hls/sign");

        assertThatThrownBy(() -> oss.getObject(request)).isInstanceOfSatisfying(OSSException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo("AccessDenied");
            assertThat(e.getEC()).isEqualTo("0044-00000410");
        });
    }

    /** Like every {@code x-oss-*} header, the token is part of what a V1 signature covers: the SDK signs it in. */
    @Test
    void theSignTokenHeaderIsCheckedForLengthAndCharacters() throws Exception {
        start(OssClients.PATH_STYLE_V1, null);

        assertThat(getWithToken("a".repeat(100)).status).isEqualTo(200);
        Answer tooLong = getWithToken("a".repeat(101));
        assertThat(tooLong.status).isEqualTo(400);
        assertThat(tooLong.body).contains("<Code>InvalidArgument</Code>").contains("<EC>0044-00000401</EC>");
        Answer badCharacter = getWithToken("tok+en");
        assertThat(badCharacter.status).isEqualTo(400);
        assertThat(badCharacter.body).contains("<EC>0044-00000402</EC>");
    }

    private Answer getWithToken(String token) throws Exception {
        GeneratePresignedUrlRequest request = new GeneratePresignedUrlRequest(BUCKET, "cam1/playlist.m3u8",
                HttpMethod.GET);
        request.setExpiration(new Date(System.currentTimeMillis() + 600_000));
        request.setProcess("hls/sign");
        request.addHeader("x-oss-hls-sign-token", token);
        return get(oss.generatePresignedUrl(request).toString(), "x-oss-hls-sign-token", token);
    }

    @Test
    void anotherProcessValueIsStillNotImplemented() throws Exception {
        start(OssClients.PATH_STYLE_V1, null);

        assertThat(get(presign("cam1/playlist.m3u8", "image/resize,w_100").toString()).status).isEqualTo(501);
    }

    private URL presign(String key, String process) {
        GeneratePresignedUrlRequest request = new GeneratePresignedUrlRequest(BUCKET, key, HttpMethod.GET);
        request.setExpiration(new Date(System.currentTimeMillis() + 600_000));
        request.setProcess(process);
        return oss.generatePresignedUrl(request);
    }

    private void put(String key, String content, String contentType) {
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentType(contentType);
        oss.putObject(BUCKET, key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), meta);
    }

    /** The decoded query of a URL or an absolute-path reference. */
    static Map<String, String> query(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = URI.create(url).getRawQuery();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            params.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A GET exactly as a player sends it: the URL's path and query as they are, {@code Host} the URL's authority
     * (virtual-hosted names do not resolve here, so the socket goes to 127.0.0.1).
     */
    static Answer get(String url, String... headers) throws Exception {
        URI uri = URI.create(url);
        try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET ").append(uri.getRawPath())
                    .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\nHost: ")
                    .append(uri.getRawAuthority()).append("\r\nConnection: close\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String[] head = response.substring(0, split).split("\r\n");
            Map<String, String> parsed = new LinkedHashMap<>();
            Stream.of(head).skip(1).forEach(l -> parsed.put(l.substring(0, l.indexOf(':')).toLowerCase(Locale.ROOT),
                    l.substring(l.indexOf(':') + 1).trim()));
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), parsed, response.substring(split + 4));
        }
    }
}
