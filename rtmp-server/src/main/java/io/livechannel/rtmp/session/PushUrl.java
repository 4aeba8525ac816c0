package io.livechannel.rtmp.session;

import io.netty.util.NetUtil;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A push URL as the server receives it, in every form the official SDKs generate ({@code oss-sdk-wire-spec.md}
 * §6.3-6.4), parsed into one value.
 *
 * <table>
 *   <caption>where each part comes from</caption>
 *   <tr><th>URL form</th><th>app</th><th>bucket</th></tr>
 *   <tr><td>{@code rtmp://<bucket>.<domain>/live/<channel>?…} (Java, ali-oss with a domain endpoint)</td>
 *       <td>{@code live}</td><td>first DNS label of the tcUrl host</td></tr>
 *   <tr><td>{@code rtmp://host:port/<bucket>/live/<channel>?…} (oss2, Go)</td>
 *       <td>{@code <bucket>/live}</td><td>the app's first segment</td></tr>
 *   <tr><td>{@code rtmp://<ip|localhost|own name>:port/live/<channel>?…} (Java, ali-oss with an IP endpoint)</td>
 *       <td>{@code live}</td><td>none: the authorizer finds it</td></tr>
 * </table>
 *
 * <p>The channel is the publish name up to {@code ?}; the query (auth params, {@code playlistName}) usually
 * follows it in the publish name (ffmpeg, OBS stream key) but may instead be on the tcUrl/app (OBS server field);
 * both are merged and the publish name wins. Values are percent-decoded; {@code +} stays a plus (RTMP URLs are
 * not form-encoded, and Java sends a literal {@code +} in channel names). A key that appears twice keeps its
 * first value.
 *
 * @param app the RTMP application without any query: {@code live} or {@code <bucket>/live}
 * @param bucket the bucket named by the URL, if any
 * @param channel the decoded channel name (non-empty, no {@code /})
 * @param params the decoded query parameters in arrival order
 */
public record PushUrl(String app, Optional<String> bucket, String channel, Map<String, String> params) {
    /** The RTMP application name of every LiveChannel push URL ({@code livechannel.md}). */
    public static final String LIVE_APP = "live";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    /** Object keys are at most 1023 bytes; the channel name is a key prefix. */
    private static final int MAX_CHANNEL_BYTES = 1023;
    private static final Set<String> SECRET_PARAMS = Set.of("Signature", "OSSAccessKeyId", "security-token");

    public PushUrl {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(channel, "channel");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * Parses what the encoder sent in {@code connect} and {@code publish}.
     *
     * @param app the {@code app} property of {@code connect}
     * @param tcUrl the {@code tcUrl} property of {@code connect} (may be empty)
     * @param publishName the stream name of {@code publish}
     * @param ownHostNames the server's own host names (lower case), which never name a bucket
     * @throws IllegalArgumentException with a client-presentable reason when the URL cannot be a push URL
     */
    public static PushUrl parse(String app, String tcUrl, String publishName, Set<String> ownHostNames) {
        String appPath = stripQuery(app);
        String[] appParts = trimSlashes(appPath).split("/", -1);
        Optional<String> bucket;
        if (appParts.length == 1 && appParts[0].equals(LIVE_APP)) {
            bucket = bucketFromHost(host(tcUrl), ownHostNames);
        } else if (appParts.length == 2 && appParts[1].equals(LIVE_APP) && BUCKET.matcher(appParts[0]).matches()) {
            bucket = Optional.of(appParts[0]);
        } else {
            throw new IllegalArgumentException("application must be 'live' or '<bucket>/live'");
        }
        int q = publishName.indexOf('?');
        String channel = decode(q < 0 ? publishName : publishName.substring(0, q));
        if (channel.isEmpty() || channel.indexOf('/') >= 0
                || channel.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
            throw new IllegalArgumentException("invalid channel name in the stream name");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0) {
            addQuery(publishName.substring(q + 1), params);
        }
        addQuery(query(app), params);
        addQuery(query(tcUrl), params);
        return new PushUrl(trimSlashes(appPath), bucket, channel, params);
    }

    /** Whether {@code app} (query ignored) names a push application: {@code live} or {@code <bucket>/live}. */
    public static boolean isPushApp(String app) {
        String[] parts = trimSlashes(stripQuery(app)).split("/", -1);
        return parts.length == 1 && parts[0].equals(LIVE_APP)
                || parts.length == 2 && parts[1].equals(LIVE_APP) && BUCKET.matcher(parts[0]).matches();
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** The {@code playlistName} parameter, which overrides the channel's PlaylistName for this publish. */
    public Optional<String> playlistName() {
        return param("playlistName");
    }

    /** Hides the values of {@code Signature}, {@code OSSAccessKeyId} and {@code security-token}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PushUrl[app=").append(app).append(", bucket=")
                .append(bucket.orElse("?")).append(", channel=").append(channel).append(", params={");
        String sep = "";
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=')
                    .append(SECRET_PARAMS.contains(e.getKey()) ? "***" : e.getValue());
            sep = ", ";
        }
        return sb.append("}]").toString();
    }

    private static Optional<String> bucketFromHost(String host, Set<String> ownHostNames) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.isEmpty() || h.equals("localhost") || ownHostNames.contains(h) || NetUtil.isValidIpV4Address(h)
                || NetUtil.isValidIpV6Address(h)) {
            return Optional.empty();
        }
        int dot = h.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String label = h.substring(0, dot);
        return BUCKET.matcher(label).matches() ? Optional.of(label) : Optional.empty();
    }

    /** The host of {@code rtmp://host[:port]/app...}; empty when tcUrl is not such a URL. */
    static String host(String tcUrl) {
        int scheme = tcUrl.indexOf("://");
        if (scheme < 0) {
            return "";
        }
        int start = scheme + 3;
        int end = start;
        if (tcUrl.startsWith("[", start)) {
            int close = tcUrl.indexOf(']', start);
            return close < 0 ? "" : tcUrl.substring(start + 1, close);
        }
        while (end < tcUrl.length() && "/:?".indexOf(tcUrl.charAt(end)) < 0) {
            end++;
        }
        return tcUrl.substring(start, end);
    }

    private static String stripQuery(String s) {
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    private static String query(String s) {
        int q = s.indexOf('?');
        return q < 0 ? "" : s.substring(q + 1);
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    private static void addQuery(String query, Map<String, String> params) {
        if (query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(key, value);
        }
    }

    /** Percent-decoding only: a literal '+' stays '+' (URLDecoder alone would make it a space). */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed percent-encoding in the push URL", e);
        }
    }
}
