package io.livechannel.api.auth;

import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.api.error.OssException.ErrorDetails;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.AccessKeyCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verifies a request's signature and names its sender (wire spec §4.3, §5). Which form applies:
 *
 * <table>
 *   <caption>forms, checked in this order</caption>
 *   <tr><td>{@code Authorization: OSS4-HMAC-SHA256 ...}</td><td>V4 header ({@link SignatureV4Verifier})</td></tr>
 *   <tr><td>{@code Authorization: OSS <id>:<sig>}</td><td>V1 header</td></tr>
 *   <tr><td>any other {@code Authorization}</td><td>400 InvalidArgument</td></tr>
 *   <tr><td>query {@code x-oss-signature}/{@code x-oss-credential}</td><td>V4 presigned</td></tr>
 *   <tr><td>query {@code OSSAccessKeyId}/{@code Signature}/{@code Expires}</td><td>V1 presigned</td></tr>
 *   <tr><td>none of these</td><td>anonymous</td></tr>
 * </table>
 *
 * <p>Errors: unknown key 403 InvalidAccessKeyId; date more than {@value #MAX_SKEW_MINUTES} minutes from the
 * clock 403 RequestTimeTooSkewed; expired URL 403 AccessDenied; wrong signature 403 SignatureDoesNotMatch with
 * the StringToSign; malformed header or V4 parameters 400 InvalidArgument; a V1 presigned URL lacking
 * OSSAccessKeyId, Expires or Signature, or with a non-numeric Expires, 403 AccessDenied; a URL signature together
 * with an Authorization header 400 InvalidArgument. Signatures are compared in constant
 * time. Blocks (key lookup): storage executor only.
 */
public final class Authenticator {
    static final int MAX_SKEW_MINUTES = 15;
    static final Duration MAX_SKEW = Duration.ofMinutes(MAX_SKEW_MINUTES);
    static final String V1_PREFIX = "OSS ";
    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature "
            + "you provided. Check your key and signing method.";

    private final AccessKeyCatalog keys;
    private final Clock clock;
    private final SignatureV4Verifier v4;

    public Authenticator(AccessKeyCatalog keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        this.v4 = new SignatureV4Verifier(this, clock);
    }

    public AuthResult authenticate(OssRequest request) throws OssException {
        String authorization = request.headers().get("Authorization");
        QueryParameters q = request.query();
        if (authorization != null && !authorization.isEmpty()) {
            if (q.has("Signature") || q.has("x-oss-signature")) {
                throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                        "Only one authentication method is allowed: a URL signature or an Authorization header.",
                        ErrorDetails.of("Header", "Authorization"));
            }
            if (authorization.startsWith(SignatureV4.ALGORITHM + " ")) {
                return v4.verifyHeader(request, authorization);
            }
            if (authorization.startsWith(V1_PREFIX)) {
                return verifyV1Header(request, authorization.substring(V1_PREFIX.length()));
            }
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "Authorization header is invalid.",
                    ErrorDetails.of("Header", "Authorization"));
        }
        if (q.has("x-oss-signature") || q.has("x-oss-credential") || q.has("x-oss-signature-version")) {
            return v4.verifyPresigned(request);
        }
        if (q.has("OSSAccessKeyId") || q.has("Signature") || q.has("Expires")) {
            return verifyV1Presigned(request);
        }
        return new AuthResult.Anonymous();
    }

    private AuthResult verifyV1Header(OssRequest request, String credentials) throws OssException {
        int colon = credentials.lastIndexOf(':');
        if (colon <= 0 || colon == credentials.length() - 1) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "Authorization header is invalid: expected 'OSS <AccessKeyId>:<Signature>'.",
                    ErrorDetails.of("Header", "Authorization"));
        }
        String keyId = credentials.substring(0, colon).trim();
        String provided = credentials.substring(colon + 1).trim();
        AccessKey key = findKey(keyId);
        String dateValue = request.header("x-oss-date");
        if (dateValue.isEmpty()) {
            dateValue = request.header("Date");
        }
        checkSkew(parseHttpDate(dateValue));
        String resource = CanonicalizedResource.of(request.bucket(), request.key(), request.query().asMap());
        String toSign = SignatureV1.stringToSign(request.method().name(), request.headers(), dateValue, resource);
        verify(key, provided, SignatureV1.sign(key.secret(), toSign), toSign);
        return new AuthResult.Signed(keyId, AuthResult.SignatureVersion.V1_HEADER,
                request.headers().get("x-oss-security-token"));
    }

    private AuthResult verifyV1Presigned(OssRequest request) throws OssException {
        QueryParameters q = request.query();
        String keyId = requiredV1(q, "OSSAccessKeyId");
        String expires = requiredV1(q, "Expires");
        String provided = requiredV1(q, "Signature");
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, "Expires must be Unix seconds: " + shorten(expires));
        }
        AccessKey key = findKey(keyId);
        if (expiresSeconds < clock.instant().getEpochSecond()) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, "Request has expired.");
        }
        Map<String, String> params = new LinkedHashMap<>(q.asMap());
        params.remove("OSSAccessKeyId");
        params.remove("Expires");
        params.remove("Signature");
        String resource = CanonicalizedResource.of(request.bucket(), request.key(), params);
        String toSign = SignatureV1.stringToSign(request.method().name(), request.headers(), expires, resource);
        verify(key, provided, SignatureV1.sign(key.secret(), toSign), toSign);
        return new AuthResult.Signed(keyId, AuthResult.SignatureVersion.V1_PRESIGNED,
                q.get("security-token").orElse(null));
    }

    AccessKey findKey(String keyId) throws OssException {
        return keys.find(keyId).orElseThrow(() -> new OssException(OssErrorCode.INVALID_ACCESS_KEY_ID,
                "The OSS Access Key Id you provided does not exist in our records.",
                new ErrorDetails(keyId, null, null, Map.of())));
    }

    void checkSkew(Instant requestTime) throws OssException {
        Duration skew = Duration.between(requestTime, clock.instant()).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw new OssException(OssErrorCode.REQUEST_TIME_TOO_SKEWED,
                    "The difference between the request time and the current time is too large.");
        }
    }

    static void verify(AccessKey key, String provided, String expected, String stringToSign) throws OssException {
        if (!Hmac.constantTimeEquals(expected, provided)) {
            throw new OssException(OssErrorCode.SIGNATURE_DOES_NOT_MATCH, SIGNATURE_MISMATCH,
                    new ErrorDetails(key.id(), provided, stringToSign, Map.of()));
        }
    }

    static String required(QueryParameters q, String name) throws OssException {
        String v = q.get(name).orElse("");
        if (v.isEmpty()) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "presigned URL lacks parameter " + name);
        }
        return v;
    }

    /** A V1 presigned URL lacking one of its three parameters is refused as OSS does: 403, not 400. */
    private static String requiredV1(QueryParameters q, String name) throws OssException {
        String v = q.get(name).orElse("");
        if (v.isEmpty()) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, "The presigned URL lacks parameter " + name + ".");
        }
        return v;
    }

    private static Instant parseHttpDate(String value) throws OssException {
        if (value.isEmpty()) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, "A Date or x-oss-date header is required.");
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "Date header is not an RFC 1123 date: " + shorten(value), ErrorDetails.of("Header", "Date"));
        }
    }

    static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
