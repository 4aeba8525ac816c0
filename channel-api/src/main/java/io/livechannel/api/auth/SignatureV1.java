package io.livechannel.api.auth;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * OSS signature V1 (wire spec §4.1):
 * <pre>
 * Signature    = Base64(HMAC-SHA1(AccessKeySecret, StringToSign))
 * StringToSign = VERB \n Content-MD5 \n Content-Type \n DateValue \n CanonicalizedOSSHeaders CanonicalizedResource
 * </pre>
 * DateValue is {@code x-oss-date} when present, else {@code Date} (ali-oss sends only {@code x-oss-date}); in a
 * presigned URL it is the {@code Expires} value.
 */
public final class SignatureV1 {
    private SignatureV1() {
    }

    /**
     * @param dateValue the date line (header value or presigned {@code Expires})
     * @param canonicalResource see {@link CanonicalizedResource}
     */
    public static String stringToSign(String verb, HttpHeaders headers, String dateValue, String canonicalResource) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(verb).append('\n');
        sb.append(trimmed(headers, "Content-MD5")).append('\n');
        sb.append(trimmed(headers, "Content-Type")).append('\n');
        sb.append(dateValue).append('\n');
        canonicalizedOssHeaders(headers).forEach((name, value) -> sb.append(name).append(':').append(value).append('\n'));
        sb.append(canonicalResource);
        return sb.toString();
    }

    /** Every {@code x-oss-*} header, name lower-cased, value trimmed, sorted by name. */
    static Map<String, String> canonicalizedOssHeaders(HttpHeaders headers) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-oss-")) {
                sorted.putIfAbsent(name, h.getValue().trim());
            }
        }
        return sorted;
    }

    /** Base64 HMAC-SHA1 of the string to sign. */
    public static String sign(String secret, String stringToSign) {
        return Base64.getEncoder().encodeToString(
                Hmac.sha1(secret.getBytes(StandardCharsets.UTF_8), stringToSign));
    }

    private static String trimmed(HttpHeaders headers, String name) {
        String v = headers.get(name);
        return v == null ? "" : v.trim();
    }
}
