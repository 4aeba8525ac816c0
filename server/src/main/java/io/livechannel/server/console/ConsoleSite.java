package io.livechannel.server.console;

import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.StaticPages;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The web console's files, read from the jar once at start and answered from memory under
 * {@code /_console/} ({@link StaticPages}).
 *
 * <p>Caching: every file is {@code Cache-Control: no-cache} with a strong {@code ETag} (a hash of its bytes), so a
 * browser revalidates each file on load and gets a bodiless 304 while the server's version is unchanged; after an
 * upgrade it gets the new file at once. The page's scripts are modules referenced by plain names, so there is no
 * fingerprinted name that could be cached for good.
 *
 * <p>Every answer carries {@code X-Content-Type-Options: nosniff}; HTML also a Content-Security-Policy that lets
 * the page load and contact only its own origin ({@code blob:} for the player's media source and worker), and
 * forbids framing.
 */
public final class ConsoleSite implements StaticPages {
    /** The path segment: {@code http://host:port/_console/}. */
    public static final String PATH_SEGMENT = "_console";
    /** The jar directory of the console's own files. */
    static final String RESOURCE_DIR = "/io/livechannel/server/console/site/";
    /**
     * The console's own files, as served below {@code /_console/}; {@code /_console} and {@code /_console/} are
     * {@code index.html}, which therefore names its files by absolute paths.
     */
    static final String[] FILES = {"index.html", "console.css", "favicon.svg", "app.js", "oss.js", "xml.js",
        "ui.js", "channels.js", "channel-form.js", "channel-details.js", "push-settings.js", "player.js"};
    /** Where hls.js is served; player.js imports it from here. */
    static final String HLS_JS = "vendor/hls.light.mjs";
    private static final String HLS_JS_WEBJAR = "/META-INF/maven/org.webjars.npm/hls.js/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, Page> pages;

    private ConsoleSite(Map<String, Page> pages) {
        this.pages = Map.copyOf(pages);
    }

    /**
     * Reads the console's files and hls.js (the version its WebJar on the class path names) from the class path.
     *
     * @throws IllegalStateException when a file is missing from the jar (a broken build)
     */
    public static ConsoleSite load() {
        Map<String, Page> pages = new HashMap<>();
        for (String name : FILES) {
            pages.put(name, Page.of(name, read(RESOURCE_DIR + name)));
        }
        Properties webJar = new Properties();
        try {
            webJar.load(new ByteArrayInputStream(read(HLS_JS_WEBJAR + "pom.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the hls.js WebJar's pom.properties", e);
        }
        String hls = "/META-INF/resources/webjars/hls.js/" + webJar.getProperty("version") + "/dist/hls.light.mjs";
        pages.put(HLS_JS, Page.of(HLS_JS, read(hls)));
        pages.put("", pages.get("index.html"));
        return new ConsoleSite(pages);
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleSite.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console's file " + resource + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public String pathSegment() {
        return PATH_SEGMENT;
    }

    @Override
    public ApiResponse answer(OssRequest request) {
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            return text(HttpResponseStatus.METHOD_NOT_ALLOWED, "The console's pages are read with GET or HEAD.\n")
                    .header(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        Page page = pages.get(request.key());
        if (page == null) {
            return text(HttpResponseStatus.NOT_FOUND, "No such page in the console: /" + PATH_SEGMENT + "/"
                    + request.key() + "\n");
        }
        String ifNoneMatch = request.header(HttpHeaderNames.IF_NONE_MATCH);
        ApiResponse response = ifNoneMatch != null && ifNoneMatch.contains(page.etag())
                ? ApiResponse.empty(HttpResponseStatus.NOT_MODIFIED)
                : ApiResponse.bytes(HttpResponseStatus.OK, page.contentType(), page.body());
        response.header(HttpHeaderNames.ETAG, page.etag())
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .header("X-Content-Type-Options", "nosniff");
        if (page.contentType().startsWith("text/html")) {
            response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .header("Referrer-Policy", "no-referrer");
        }
        return response;
    }

    private static ApiResponse text(HttpResponseStatus status, String message) {
        return ApiResponse.bytes(status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8))
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .header("X-Content-Type-Options", "nosniff");
    }

    /** One file: its bytes (never modified), type and entity tag. */
    private record Page(byte[] body, String contentType, String etag) {
        static Page of(String name, byte[] body) {
            return new Page(body, contentType(name), etag(body));
        }

        static String contentType(String name) {
            String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            return switch (extension) {
                case "html" -> "text/html; charset=utf-8";
                case "css" -> "text/css; charset=utf-8";
                case "js", "mjs" -> "text/javascript; charset=utf-8";
                case "svg" -> "image/svg+xml";
                default -> throw new IllegalArgumentException("no content type for " + name);
            };
        }

        static String etag(byte[] body) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
                return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22) + '"';
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }
}
