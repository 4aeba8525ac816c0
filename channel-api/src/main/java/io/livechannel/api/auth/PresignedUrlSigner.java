package io.livechannel.api.auth;

import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Signs presigned GET URLs for other objects "the same way" as a verified presigned request (private-playback
 * spec, "Inner URLs"): the same access key, the same expiry (V1 {@code Expires}; V4 {@code x-oss-date},
 * {@code x-oss-expires} and credential scope), the same security token, and a fresh signature over each object's
 * own resource. This is what {@code x-oss-process=hls/sign} writes into a playlist, and what {@code push-url}
 * prints as a private bucket's play URL.
 *
 * <p>The URLs carry no signed headers: a player sends none. Immutable and thread-safe; does no I/O.
 */
public final class PresignedUrlSigner {
    /** The {@code x-oss-process} value that makes a playlist GET rewrite its URIs. */
    public static final String HLS_SIGN = "hls/sign";
    static final String PROCESS = "x-oss-process";

    private final AccessKey key;
    private final String securityToken;
    private final String expires;
    private final SignatureV4.Scope scope;
    private final String credential;
    private final String ossDate;

    private PresignedUrlSigner(AccessKey key, String securityToken, String expires, SignatureV4.Scope scope,
                               String credential, String ossDate) {
        this.key = key;
        this.securityToken = securityToken;
        this.expires = expires;
        this.scope = scope;
        this.credential = credential;
        this.ossDate = ossDate;
    }

    /** V1 URLs ({@code OSSAccessKeyId}, {@code Expires}, {@code Signature}) valid until {@code expiresEpochSeconds}. */
    public static PresignedUrlSigner v1(AccessKey key, long expiresEpochSeconds, String securityToken) {
        return new PresignedUrlSigner(key, securityToken, Long.toString(expiresEpochSeconds), null, null, null);
    }

    /**
     * Signs like {@code request}, a presigned request that {@link Authenticator} verified: empty when the request
     * is not presigned (header-signed or anonymous).
     */
    public static Optional<PresignedUrlSigner> like(OssRequest request, AccessKeyCatalog keys) {
        QueryParameters q = request.query();
        if (q.has("x-oss-signature")) {
            String credential = q.getOrDefault("x-oss-credential", "");
            SignatureV4.Scope scope;
            String keyId;
            try {
                SignatureV4Verifier.Credential c = SignatureV4Verifier.Credential.parse(credential);
                scope = c.scope();
                keyId = c.keyId();
            } catch (OssException e) {
                throw new IllegalStateException("the authenticator verified this credential", e);
            }
            return Optional.of(new PresignedUrlSigner(verifiedKey(keys, keyId),
                    q.getOrDefault("x-oss-security-token", null), q.getOrDefault("x-oss-expires", ""), scope,
                    credential, q.getOrDefault("x-oss-date", "")));
        }
        if (q.has("Signature")) {
            return Optional.of(new PresignedUrlSigner(verifiedKey(keys, q.getOrDefault("OSSAccessKeyId", "")),
                    q.getOrDefault("security-token", null), q.getOrDefault("Expires", ""), null, null, null));
        }
        return Optional.empty();
    }

    private static AccessKey verifiedKey(AccessKeyCatalog keys, String id) {
        return keys.find(id).orElseThrow(() -> new IllegalStateException("the authenticator found key " + id));
    }

    /**
     * The encoded query of a presigned GET of {@code /<bucket>/<key>}, without the leading {@code ?}.
     *
     * @param hlsSign whether the URL asks for {@code x-oss-process=hls/sign} (a child playlist)
     */
    public String query(String bucket, String objectKey, boolean hlsSign) {
        return scope == null ? v1Query(bucket, objectKey, hlsSign) : v4Query(bucket, objectKey, hlsSign);
    }

    private String v1Query(String bucket, String objectKey, boolean hlsSign) {
        Map<String, String> signed = new LinkedHashMap<>();
        if (hlsSign) {
            signed.put(PROCESS, HLS_SIGN);
        }
        if (securityToken != null) {
            signed.put("security-token", securityToken);
        }
        String toSign = "GET\n\n\n" + expires + "\n" + CanonicalizedResource.of(bucket, objectKey, signed);
        StringBuilder sb = new StringBuilder(160)
                .append("OSSAccessKeyId=").append(encode(key.id()))
                .append("&Expires=").append(expires)
                .append("&Signature=").append(encode(SignatureV1.sign(key.secret(), toSign)));
        signed.forEach((name, value) -> sb.append('&').append(name).append('=').append(encode(value)));
        return sb.toString();
    }

    private String v4Query(String bucket, String objectKey, boolean hlsSign) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("x-oss-signature-version", SignatureV4.ALGORITHM);
        params.put("x-oss-credential", credential);
        params.put("x-oss-date", ossDate);
        params.put("x-oss-expires", expires);
        if (securityToken != null) {
            params.put("x-oss-security-token", securityToken);
        }
        if (hlsSign) {
            params.put(PROCESS, HLS_SIGN);
        }
        String canonical = SignatureV4.canonicalRequest("GET", bucket, objectKey, params,
                EmptyHttpHeaders.INSTANCE, Set.of());
        String signature = SignatureV4.sign(key.secret(), scope, SignatureV4.stringToSign(ossDate, scope, canonical));
        StringBuilder sb = new StringBuilder(256);
        params.forEach((name, value) -> sb.append(name).append('=').append(encode(value)).append('&'));
        return sb.append("x-oss-signature=").append(signature).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
