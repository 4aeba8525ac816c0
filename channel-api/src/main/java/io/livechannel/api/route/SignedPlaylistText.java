package io.livechannel.api.route;

import io.livechannel.api.QueryParameters;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.api.auth.PresignedUrlSigner;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of an m3u8 playlist (RFC 8216) with every URI of an object in the same bucket replaced by an
 * absolute-path URL presigned by a {@link PresignedUrlSigner}: the URI lines, and the {@code URI="..."} attributes
 * of tags such as {@code EXT-X-MAP}, {@code EXT-X-MEDIA}, {@code EXT-X-KEY}, {@code EXT-X-PART},
 * {@code EXT-X-PRELOAD-HINT} and {@code EXT-X-RENDITION-REPORT}. A URI naming a playlist ({@code .m3u8}) gets
 * {@code x-oss-process=hls/sign} signed into it, so that fetching it rewrites it in turn. Relative URIs resolve
 * against the playlist's own URL (RFC 3986 §5.2); URLs of other hosts or buckets, and lines that are not URIs,
 * are left as they are.
 *
 * <table>
 *   <caption>limits (the reference service has the same checks, numbers unpublished)</caption>
 *   <tr><td>segment URIs</td><td>{@value #MAX_SEGMENTS}: a day of 5-second segments (a VoD playlist spans
 *       less than a day) fits</td><td>EC 0044-00000406</td></tr>
 *   <tr><td>child playlists of a master</td><td>{@value #MAX_CHILD_PLAYLISTS}</td><td>EC 0044-00000407</td></tr>
 * </table>
 * A master playlist ({@code EXT-X-STREAM-INF}) that lists no child playlist is refused (EC 0044-00000408), one
 * that also lists segments ({@code EXTINF}) too (EC 0044-00000409). Pure: no I/O.
 */
final class SignedPlaylistText {
    static final int MAX_SEGMENTS = 20_000;
    static final int MAX_CHILD_PLAYLISTS = 100;
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

    /**
     * Where the playlist was fetched.
     *
     * @param bucket the playlist's bucket
     * @param pathPrefix {@code "/<bucket>"} for path-style requests, {@code ""} for virtual-hosted ones
     * @param playlistKey the playlist's key
     * @param host the request's {@code Host}: absolute URLs naming it are rewritten too
     */
    record Location(String bucket, String pathPrefix, String playlistKey, String host) {
    }

    private final Location location;
    private final PresignedUrlSigner signer;
    private final URI base;
    private int segments;
    private int children;
    private boolean master;

    private SignedPlaylistText(Location location, PresignedUrlSigner signer) throws URISyntaxException {
        this.location = location;
        this.signer = signer;
        this.base = new URI(null, null, location.pathPrefix() + "/" + location.playlistKey(), null);
    }

    /** @throws OssException 400 InvalidArgument when the text is not a playlist or breaks a limit */
    static String rewrite(String text, Location location, PresignedUrlSigner signer) throws OssException {
        if (!text.startsWith("#EXTM3U")) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "x-oss-process=hls/sign applies to m3u8 playlists; this object does not start with #EXTM3U.");
        }
        SignedPlaylistText rewriter;
        try {
            rewriter = new SignedPlaylistText(location, signer);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("a path-only URI always parses", e);
        }
        return rewriter.rewriteLines(text);
    }

    private String rewriteLines(String text) throws OssException {
        StringBuilder out = new StringBuilder(text.length() * 4);
        boolean segmentsSeen = false;
        for (String line : text.split("\n", -1)) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (l.startsWith("#")) {
                master |= l.startsWith("#EXT-X-STREAM-INF");
                segmentsSeen |= l.startsWith("#EXTINF");
                out.append(rewriteAttribute(l));
            } else if (!l.isBlank()) {
                out.append(signed(l.trim()));
            } else {
                out.append(l);
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1); // split() kept what follows the last '\n'; no newline is added
        if (master && segmentsSeen) {
            throw refused("A master playlist may not list media segments.", "0044-00000409");
        }
        if (master && children == 0) {
            throw refused("The master playlist lists no child playlist.", "0044-00000408");
        }
        return out.toString();
    }

    private String rewriteAttribute(String tag) throws OssException {
        if (!tag.contains("URI=\"")) {
            return tag;
        }
        Matcher m = URI_ATTRIBUTE.matcher(tag);
        if (!m.find()) {
            return tag;
        }
        return tag.substring(0, m.start(1)) + signed(m.group(1)) + tag.substring(m.end(1));
    }

    /** The signed URL for {@code uri}, or {@code uri} itself when it is not an object of this bucket. */
    private String signed(String uri) throws OssException {
        String key = sameBucketKey(uri);
        if (key == null) {
            return uri;
        }
        boolean playlist = key.toLowerCase(Locale.ROOT).endsWith(".m3u8");
        if (playlist && ++children > MAX_CHILD_PLAYLISTS) {
            throw refused("The master playlist lists more than " + MAX_CHILD_PLAYLISTS + " playlists.",
                    "0044-00000407");
        }
        if (!playlist && ++segments > MAX_SEGMENTS) {
            throw refused("The playlist lists more than " + MAX_SEGMENTS + " segments.", "0044-00000406");
        }
        StringBuilder url = new StringBuilder(location.pathPrefix().length() + key.length() + 200)
                .append(location.pathPrefix());
        for (String part : key.split("/", -1)) {
            url.append('/').append(QueryParameters.percentEncode(part));
        }
        return url.append('?').append(signer.query(location.bucket(), key, playlist)).toString();
    }

    private String sameBucketKey(String uri) {
        if (isPlainName(uri)) { // what our own playlists list: resolving needs no URI parsing
            String playlist = location.playlistKey();
            return playlist.substring(0, playlist.lastIndexOf('/') + 1) + uri;
        }
        URI ref;
        try {
            ref = new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
        if (ref.getRawAuthority() != null) {
            boolean sameHost = ref.getRawAuthority().equalsIgnoreCase(location.host())
                    && (ref.getScheme() == null || ref.getScheme().equalsIgnoreCase("http")
                    || ref.getScheme().equalsIgnoreCase("https"));
            String path = ref.getRawPath();
            if (!sameHost || path == null || path.isEmpty() || path.startsWith("//")) {
                return null; // "//" would begin an authority again, and no key begins with '/'
            }
            try {
                ref = new URI(path);
            } catch (URISyntaxException e) {
                return null;
            }
        } else if (ref.getScheme() != null) {
            return null; // data:, skd: and the like
        }
        String path = base.resolve(ref).getPath();
        String prefix = location.pathPrefix() + "/";
        if (path == null || !path.startsWith(prefix) || path.length() == prefix.length()
                || path.contains("/../") || path.contains("/./")) {
            return null;
        }
        return path.substring(prefix.length());
    }

    /** Only RFC 3986 unreserved characters and not a dot segment: a file name beside the playlist. */
    private static boolean isPlainName(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~')) {
                return false;
            }
        }
        return !uri.equals(".") && !uri.equals("..");
    }

    private static OssException refused(String message, String ec) {
        return new OssException(OssErrorCode.INVALID_ARGUMENT, message, OssException.ErrorDetails.of("EC", ec));
    }
}
