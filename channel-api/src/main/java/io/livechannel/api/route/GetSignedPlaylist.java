package io.livechannel.api.route;

import io.livechannel.api.AddressingStyle;
import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.auth.PresignedUrlSigner;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.Bucket;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@code GET /<bucket>/<playlist>.m3u8?x-oss-process=hls/sign&<presigned query>} (private-playback spec): the
 * playlist with every URI of the bucket replaced by a URL presigned the same way as this request
 * ({@link SignedPlaylistText}), so that a player holding one URL can play a private channel. Only presigned
 * requests qualify: a header-signed or anonymous one is 403 AccessDenied (EC 0044-00000410), as the reference
 * refuses header authentication, and every signed URI dies with the playlist URL's own expiry.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><td>playlist object</td><td>{@value #MAX_PLAYLIST_BYTES} bytes: a day-long VoD playlist of 5-second
 *       segments is about 0.6 MB</td><td>400, EC 0044-00000404</td></tr>
 *   <tr><td>{@code x-oss-hls-sign-token}</td><td>{@value #MAX_SIGN_TOKEN_CHARS} characters of
 *       {@code [A-Za-z0-9_.-]}; accepted and otherwise unused, as the reference does not say what it does</td>
 *       <td>400, EC 0044-00000401 / 0044-00000402</td></tr>
 * </table>
 * Answers carry {@code Cache-Control: no-cache}: the body holds the requester's signatures, which no shared cache
 * may hand to anyone else.
 */
final class GetSignedPlaylist implements Route {
    static final int MAX_PLAYLIST_BYTES = 2 * 1024 * 1024;
    static final int MAX_SIGN_TOKEN_CHARS = 100;
    static final String SIGN_TOKEN_HEADER = "x-oss-hls-sign-token";
    private static final Pattern SIGN_TOKEN = Pattern.compile("[A-Za-z0-9_.-]*");

    private final ApiConfig config;

    GetSignedPlaylist(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        checkSignToken(request.header(SIGN_TOKEN_HEADER));
        ObjectKeys.check(request.key());
        PresignedUrlSigner signer = PresignedUrlSigner.like(request, config.metadata().accessKeys())
                .orElseThrow(() -> new OssException(OssErrorCode.ACCESS_DENIED,
                        "x-oss-process=hls/sign needs a URL signed in its query string, not an Authorization header.",
                        OssException.ErrorDetails.of("EC", "0044-00000410")));
        StoredObject object = config.objects().head(bucket.name(), request.key())
                .orElseThrow(() -> new StorageException(StorageException.Kind.NO_SUCH_KEY, "no such key"));
        if (object.size() > MAX_PLAYLIST_BYTES) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "The playlist is larger than "
                    + MAX_PLAYLIST_BYTES + " bytes.", OssException.ErrorDetails.of("EC", "0044-00000404"));
        }
        String text;
        try (ObjectStream stream = config.objects().get(bucket.name(), request.key(), null)) {
            text = new String(stream.content().readAllBytes(), StandardCharsets.UTF_8);
            object = stream.object();
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.IO, "reading " + request.key() + ": " + e, e);
        }
        String prefix = request.target().style() == AddressingStyle.PATH ? "/" + bucket.name() : "";
        String signed = SignedPlaylistText.rewrite(text, new SignedPlaylistText.Location(bucket.name(), prefix,
                request.key(), request.header("Host")), signer);
        return ApiResponse.bytes(HttpResponseStatus.OK, ObjectKeys.contentType(object.key(), object.contentType()),
                        signed.getBytes(StandardCharsets.UTF_8))
                .header("Last-Modified", GetObject.HTTP_DATE.format(object.lastModified()))
                .header("Cache-Control", "no-cache");
    }

    private static void checkSignToken(String token) throws OssException {
        if (token.length() > MAX_SIGN_TOKEN_CHARS) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, SIGN_TOKEN_HEADER + " is longer than "
                    + MAX_SIGN_TOKEN_CHARS + " characters.", OssException.ErrorDetails.of("EC", "0044-00000401"));
        }
        if (!SIGN_TOKEN.matcher(token).matches()) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, SIGN_TOKEN_HEADER
                    + " may contain only letters, digits, '_', '-' and '.'.",
                    OssException.ErrorDetails.of("EC", "0044-00000402"));
        }
    }
}
