package io.livechannel.api;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The decoded query string of a request (wire spec §1.2): {@code live} and {@code live=} both mean "present,
 * empty"; values are RFC 3986 percent-decoded and a literal {@code +} stays a plus (no SDK uses {@code +} for
 * a space). When a name repeats, the first value wins. Immutable.
 */
public final class QueryParameters {
    /** Most parameters one request may carry; the SDKs send at most nine (V4 presigned with STS). */
    static final int MAX_PARAMETERS = 64;

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static final QueryParameters EMPTY = new QueryParameters(new LinkedHashMap<>());

    /** Parses a raw query (without the {@code ?}); {@code null} or empty gives {@link #EMPTY}. */
    public static QueryParameters parse(String rawQuery) throws OssException {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> values = new LinkedHashMap<>();
        int count = 0;
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            if (++count > MAX_PARAMETERS) {
                throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                        "query has more than " + MAX_PARAMETERS + " parameters");
            }
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            values.putIfAbsent(name, value);
        }
        return new QueryParameters(values);
    }

    /**
     * RFC 3986 percent-decoding of UTF-8; {@code +} is kept.
     *
     * @throws OssException InvalidArgument on a truncated or non-hex escape
     */
    public static String percentDecode(String raw) throws OssException {
        if (raw.indexOf('%') < 0 && raw.chars().allMatch(c -> c < 0x80)) {
            return raw;
        }
        // Netty hands over the request line as ISO-8859-1 chars, so every char below 256 is one wire byte.
        byte[] out = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out[n++] = (byte) c;
                continue;
            }
            int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw badEscape(raw);
            }
            out[n++] = (byte) (hi << 4 | lo);
            i += 2;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * RFC 3986 percent-encoding of UTF-8 for a URL path segment: unreserved {@code A-Z a-z 0-9 - _ . ~} kept,
     * every other byte {@code %XX} upper case.
     */
    public static String percentEncode(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    private static OssException badEscape(String raw) {
        String shown = raw.length() > 64 ? raw.substring(0, 64) + "..." : raw;
        return new OssException(OssErrorCode.INVALID_ARGUMENT, "malformed percent-encoding in '" + shown + "'");
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The decoded value ("" for a bare name), or empty when absent. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The decoded value, or {@code fallback} when absent. */
    public String getOrDefault(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** All parameters in wire order, decoded. */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.keySet().toString();
    }
}
