package io.livechannel.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.server.ServerConfig;
import io.livechannel.server.Transport;
import io.livechannel.server.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's files as the server's HTTP port answers them: types, caching, errors, and {@code --console false}. */
class ConsoleSiteTest {
    private static final Pattern REFERENCE = Pattern.compile("(?:href|src)=\"/_console/([^\"]+)\"|from '\\./([^']+)'");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesEveryFileWithItsTypeAnEntityTagAndNoCacheAndThePageNamesOnlyFilesItHas() throws Exception {
        try (Wiring wiring = Wiring.start(config(true), new SecureRandom())) {
            assertThat(wiring.startupBanner("test")).contains("  console      http://localhost:" + wiring.httpPort()
                    + "/_console/");
            HttpResponse<String> index = get(wiring, "/_console/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleSite.CONTENT_SECURITY_POLICY);
            assertThat(index.body()).contains("<label for=\"access-key-id\">Access key ID</label>",
                    "<label for=\"access-key-secret\">Access key secret</label>");
            assertThat(get(wiring, "/_console").body()).isEqualTo(index.body());

            List<String> referenced = new ArrayList<>(references(index.body()));
            for (String name : ConsoleSite.FILES) {
                HttpResponse<String> file = get(wiring, "/_console/" + name);
                assertThat(file.statusCode()).as(name).isEqualTo(200);
                assertThat(file.headers().firstValue("ETag")).as(name).hasValueSatisfying(e -> assertThat(e).matches("\"[-_A-Za-z0-9]{22}\""));
                referenced.addAll(references(file.body()));
            }
            assertThat(get(wiring, "/_console/app.js").headers().firstValue("Content-Type"))
                    .hasValue("text/javascript; charset=utf-8");
            assertThat(get(wiring, "/_console/console.css").headers().firstValue("Content-Type"))
                    .hasValue("text/css; charset=utf-8");
            HttpResponse<String> hls = get(wiring, "/_console/" + ConsoleSite.HLS_JS);
            assertThat(hls.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(hls.body()).contains("export { Hls as default }");
            assertThat(referenced).as("files the page and its modules load").isNotEmpty()
                    .allSatisfy(name -> assertThat(get(wiring, "/_console/" + name).statusCode()).as(name).isEqualTo(200));
        }
    }

    @Test
    void answersRevalidationWith304AndUnknownPathsAndOtherMethodsWithPlainErrors() throws Exception {
        try (Wiring wiring = Wiring.start(config(true), new SecureRandom())) {
            String etag = get(wiring, "/_console/app.js").headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> again = http.send(request(wiring, "/_console/app.js").header("If-None-Match", etag)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.headers().firstValue("ETag")).hasValue(etag);

            HttpResponse<String> missing = get(wiring, "/_console/nothing.js");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("No such page in the console: /_console/nothing.js\n");
            HttpResponse<String> post = http.send(request(wiring, "/_console/").POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void aVirtualHostedRequestForTheSamePathIsAnObjectKeyOfItsBucket() throws Exception {
        try (Wiring wiring = Wiring.start(config(true), new SecureRandom())) {
            String answer = raw(wiring.httpPort(), "GET /_console/ HTTP/1.1\r\nHost: live.example.com\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 403").contains("<Code>AccessDenied</Code>")
                    .doesNotContain("Access key ID");
        }
    }

    @Test
    void consoleFalseLeavesThePathToTheApiAndTheBannerSilent() throws Exception {
        try (Wiring wiring = Wiring.start(config(false), new SecureRandom())) {
            assertThat(wiring.startupBanner("test")).doesNotContain("console");
            HttpResponse<String> page = get(wiring, "/_console/");
            assertThat(page.statusCode()).isBetween(400, 499);
            assertThat(page.body()).contains("<Error>").doesNotContain("Access key ID");
        }
    }

    private ServerConfig config(boolean console) {
        ServerConfig.Network any = ServerConfig.Network.anyPorts("127.0.0.1", "localhost");
        return new ServerConfig(dir.resolve("data"), new ServerConfig.Network(any.bind(), 0, 0, any.domains(),
                Transport.AUTO, any.connections(), console),
                new ServerConfig.Bootstrap("id", "secret", "live", "private"), ServerConfig.Store.FILESYSTEM,
                ServerConfig.Ingest.DEFAULTS, ServerConfig.METRICS_OFF);
    }

    private static List<String> references(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    private HttpRequest.Builder request(Wiring wiring, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wiring.httpPort() + path));
    }

    private HttpResponse<String> get(Wiring wiring, String path) {
        try {
            return http.send(request(wiring, path).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
