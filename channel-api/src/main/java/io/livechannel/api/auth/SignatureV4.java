package io.livechannel.api.auth;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * OSS signature V4, {@code OSS4-HMAC-SHA256} (wire spec §5.2):
 * <pre>
 * CanonicalRequest = VERB \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n AdditionalHeaders \n payload
 * StringToSign     = "OSS4-HMAC-SHA256" \n x-oss-date \n scope \n hex(SHA256(CanonicalRequest))
 * SigningKey       = HMAC256(HMAC256(HMAC256(HMAC256("aliyun_v4" + secret, day), region), "oss"), "aliyun_v4_request")
 * Signature        = hex(HMAC256(SigningKey, StringToSign))
 * </pre>
 * The canonical URI always contains the bucket, also for virtual-hosted requests; every query parameter is
 * signed (the presigned form leaves out {@code x-oss-signature} itself).
 */
public final class SignatureV4 {
    public static final String ALGORITHM = "OSS4-HMAC-SHA256";
    static final String TERMINATOR = "aliyun_v4_request";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    private SignatureV4() {
    }

    /**
     * The credential scope {@code <day>/<region>/<product>/aliyun_v4_request}.
     *
     * @param day {@code yyyyMMdd}
     */
    public record Scope(String day, String region, String product) {
        @Override
        public String toString() {
            return day + "/" + region + "/" + product + "/" + TERMINATOR;
        }
    }

    /**
     * @param bucket {@code null} at service level
     * @param key decoded key
     * @param query decoded parameters to sign (presigned: without {@code x-oss-signature})
     * @param additionalHeaders lower-case names listed in {@code AdditionalHeaders}
     */
    public static String canonicalRequest(String verb, String bucket, String key, Map<String, String> query,
                                          HttpHeaders headers, Set<String> additionalHeaders) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(verb).append('\n');
        sb.append(uriEncode(bucket == null ? "/" : "/" + bucket + "/" + key, false)).append('\n');
        sb.append(canonicalQuery(query)).append('\n');
        canonicalHeaders(headers, additionalHeaders).forEach((n, v) -> sb.append(n).append(':').append(v).append('\n'));
        sb.append('\n');
        sb.append(String.join(";", new TreeSet<>(additionalHeaders))).append('\n');
        String payload = headers.get("x-oss-content-sha256");
        sb.append(payload == null ? UNSIGNED_PAYLOAD : payload.trim());
        return sb.toString();
    }

    public static String stringToSign(String ossDate, Scope scope, String canonicalRequest) {
        return ALGORITHM + "\n" + ossDate + "\n" + scope + "\n"
                + HexFormat.of().formatHex(Hmac.sha256Digest(canonicalRequest));
    }

    /** Lower-case hex HMAC-SHA256 with the key derived from the secret and the scope. */
    public static String sign(String secret, Scope scope, String stringToSign) {
        byte[] key = Hmac.sha256(("aliyun_v4" + secret).getBytes(StandardCharsets.UTF_8), scope.day());
        key = Hmac.sha256(key, scope.region());
        key = Hmac.sha256(key, scope.product());
        key = Hmac.sha256(key, TERMINATOR);
        return HexFormat.of().formatHex(Hmac.sha256(key, stringToSign));
    }

    static String canonicalQuery(Map<String, String> query) {
        TreeMap<String, String> sorted = new TreeMap<>();
        query.forEach((k, v) -> sorted.put(uriEncode(k, true), v.isEmpty() ? "" : uriEncode(v, true)));
        StringJoiner joiner = new StringJoiner("&");
        sorted.forEach((k, v) -> joiner.add(v.isEmpty() ? k : k + "=" + v));
        return joiner.toString();
    }

    /** {@code content-type}, {@code content-md5}, every {@code x-oss-*} and the additional headers, sorted. */
    static TreeMap<String, String> canonicalHeaders(HttpHeaders headers, Set<String> additionalHeaders) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type") || name.equals("content-md5") || name.startsWith("x-oss-")
                    || additionalHeaders.contains(name)) {
                sorted.putIfAbsent(name, h.getValue().trim());
            }
        }
        return sorted;
    }

    /**
     * RFC 3986 encoding: unreserved {@code A-Z a-z 0-9 - _ . ~} kept, every other UTF-8 byte {@code %XX} upper
     * case; {@code /} is kept in the URI and encoded in the query.
     */
    static String uriEncode(String value, boolean encodeSlash) {
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~';
            if (unreserved || (c == '/' && !encodeSlash)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
