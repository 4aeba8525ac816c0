package io.livechannel.api;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Bucket and key of a request, resolved by the rule of wire spec §2.5 from the {@code Host} header and the raw
 * (still percent-encoded) path.
 *
 * <ol>
 *   <li>the host without port is one of the server's domains, {@code localhost} or an IP literal: path style;
 *       the bucket is the first raw path segment and the key the rest, each decoded after splitting, so a
 *       {@code %2F} stays inside the key (oss2 and Go send keys that way);</li>
 *   <li>any other host: virtual-hosted; the bucket is its first DNS label, the key the whole decoded path. This
 *       also covers ali-oss, which sends {@code Host: <bucket>.oss-cn-hangzhou.aliyuncs.com} to an IP.</li>
 * </ol>
 *
 * @param bucket {@code null} for a service-level request ({@code GET /})
 * @param key {@code ""} for a bucket-level request
 * @param hostName the host without port, lower case
 * @param hostPort the port of the {@code Host} header, or -1 when it has none
 */
public record RequestTarget(AddressingStyle style, String bucket, String key, String hostName, int hostPort) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * @param host the {@code Host} header, possibly with port; {@code null} or empty when absent
     * @param rawPath the request path before the {@code ?}, percent-encoded, starting with {@code /}
     * @param domains the server's own names, lower case
     */
    public static RequestTarget resolve(String host, String rawPath, List<String> domains) throws OssException {
        String name = "";
        int port = -1;
        if (host != null && !host.isEmpty()) {
            int colon = host.lastIndexOf(':');
            int bracket = host.lastIndexOf(']');
            if (colon > bracket && colon >= 0) {
                name = host.substring(0, colon);
                port = parsePort(host.substring(colon + 1));
            } else {
                name = host;
            }
            name = name.toLowerCase(Locale.ROOT);
        }
        if (!rawPath.startsWith("/")) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "request path must start with '/'");
        }
        if (name.isEmpty() || isPathStyleHost(name, domains)) {
            return pathStyle(rawPath, name, port);
        }
        int dot = name.indexOf('.');
        String bucket = dot < 0 ? name : name.substring(0, dot);
        String key = QueryParameters.percentDecode(rawPath.substring(1));
        return new RequestTarget(AddressingStyle.VIRTUAL_HOSTED, bucket, key, name, port);
    }

    private static RequestTarget pathStyle(String rawPath, String name, int port) throws OssException {
        String rest = rawPath.substring(1);
        if (rest.isEmpty()) {
            return new RequestTarget(AddressingStyle.PATH, null, "", name, port);
        }
        int slash = rest.indexOf('/');
        String bucket = QueryParameters.percentDecode(slash < 0 ? rest : rest.substring(0, slash));
        String key = slash < 0 ? "" : QueryParameters.percentDecode(rest.substring(slash + 1));
        return new RequestTarget(AddressingStyle.PATH, bucket, key, name, port);
    }

    static boolean isPathStyleHost(String name, List<String> domains) {
        return domains.contains(name) || name.equals("localhost") || IPV4.matcher(name).matches()
                || name.startsWith("[");
    }

    private static int parsePort(String digits) throws OssException {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "malformed port in Host header");
        }
        int port = Integer.parseInt(digits);
        if (port > 65535) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "malformed port in Host header");
        }
        return port;
    }

    /** True for {@code GET /} on a server name: the service (list buckets). */
    public boolean isService() {
        return bucket == null;
    }

    public boolean isBucketLevel() {
        return bucket != null && key.isEmpty();
    }
}
