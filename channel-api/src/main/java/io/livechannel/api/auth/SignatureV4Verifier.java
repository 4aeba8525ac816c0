package io.livechannel.api.auth;

import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.api.error.OssException.ErrorDetails;
import io.livechannel.storage.catalog.AccessKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and checks the V4 forms (wire spec §5.2 header, §5.3 presigned):
 * <pre>
 * Authorization: OSS4-HMAC-SHA256 Credential=&lt;AK&gt;/&lt;day&gt;/&lt;region&gt;/oss/aliyun_v4_request[,AdditionalHeaders=h1;h2],Signature=&lt;hex&gt;
 * ?x-oss-signature-version=OSS4-HMAC-SHA256&amp;x-oss-credential=..&amp;x-oss-date=..&amp;x-oss-expires=&lt;s&gt;&amp;x-oss-signature=&lt;hex&gt;
 * </pre>
 * Any region in the scope is accepted (one region per server). The scope day must match {@code x-oss-date}.
 */
final class SignatureV4Verifier {
    private static final DateTimeFormatter ISO_BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    /** Longest validity of a V4 presigned URL, as OSS documents it (7 days). */
    static final long MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 3600;

    private final Authenticator authenticator;
    private final Clock clock;

    SignatureV4Verifier(Authenticator authenticator, Clock clock) {
        this.authenticator = authenticator;
        this.clock = clock;
    }

    AuthResult verifyHeader(OssRequest request, String authorization) throws OssException {
        Map<String, String> fields = parseFields(authorization.substring(SignatureV4.ALGORITHM.length() + 1));
        String credential = fields.get("Credential");
        String provided = fields.get("Signature");
        if (credential == null || provided == null) {
            throw malformed("Authorization header lacks Credential or Signature.");
        }
        Credential c = Credential.parse(credential);
        AccessKey key = authenticator.findKey(c.keyId());
        String ossDate = request.header("x-oss-date");
        Instant time = parseIsoBasic(ossDate, "x-oss-date");
        checkDay(c, ossDate);
        authenticator.checkSkew(time);
        Set<String> additional = additionalHeaders(fields.get("AdditionalHeaders"));
        String canonical = SignatureV4.canonicalRequest(request.method().name(), request.bucket(), request.key(),
                request.query().asMap(), request.headers(), additional);
        check(key, provided, c.scope(), ossDate, canonical);
        checkPayloadHash(request);
        return new AuthResult.Signed(c.keyId(), AuthResult.SignatureVersion.V4_HEADER,
                request.headers().get("x-oss-security-token"));
    }

    AuthResult verifyPresigned(OssRequest request) throws OssException {
        QueryParameters q = request.query();
        String version = Authenticator.required(q, "x-oss-signature-version");
        if (!version.equals(SignatureV4.ALGORITHM)) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "x-oss-signature-version must be " + SignatureV4.ALGORITHM);
        }
        Credential c = Credential.parse(Authenticator.required(q, "x-oss-credential"));
        String ossDate = Authenticator.required(q, "x-oss-date");
        String expires = Authenticator.required(q, "x-oss-expires");
        String provided = Authenticator.required(q, "x-oss-signature");
        AccessKey key = authenticator.findKey(c.keyId());
        Instant time = parseIsoBasic(ossDate, "x-oss-date");
        checkDay(c, ossDate);
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT, "x-oss-expires must be seconds");
        }
        if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
            throw new OssException(OssErrorCode.INVALID_ARGUMENT,
                    "x-oss-expires " + expiresSeconds + " exceeds " + MAX_PRESIGNED_EXPIRES_SECONDS + " seconds");
        }
        if (time.plusSeconds(expiresSeconds).isBefore(clock.instant())) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, "Request has expired.");
        }
        Map<String, String> params = new LinkedHashMap<>(q.asMap());
        params.remove("x-oss-signature");
        Set<String> additional = additionalHeaders(q.get("x-oss-additional-headers").orElse(null));
        String canonical = SignatureV4.canonicalRequest(request.method().name(), request.bucket(), request.key(),
                params, request.headers(), additional);
        check(key, provided, c.scope(), ossDate, canonical);
        return new AuthResult.Signed(c.keyId(), AuthResult.SignatureVersion.V4_PRESIGNED,
                q.get("x-oss-security-token").orElse(null));
    }

    /**
     * A signed {@code x-oss-content-sha256} other than {@code UNSIGNED-PAYLOAD} promises the body's hash; a body
     * that differs was altered after signing.
     */
    private static void checkPayloadHash(OssRequest request) throws OssException {
        String declared = request.header("x-oss-content-sha256").trim();
        if (declared.isEmpty() || declared.equals(SignatureV4.UNSIGNED_PAYLOAD)) {
            return;
        }
        String actual = java.util.HexFormat.of().formatHex(Hmac.sha256Digest(request.body()));
        if (!actual.equalsIgnoreCase(declared)) {
            throw new OssException(OssErrorCode.INVALID_DIGEST,
                    "The x-oss-content-sha256 you specified did not match what we received.");
        }
    }

    private static void check(AccessKey key, String provided, SignatureV4.Scope scope, String ossDate,
                              String canonical) throws OssException {
        String toSign = SignatureV4.stringToSign(ossDate, scope, canonical);
        String expected = SignatureV4.sign(key.secret(), scope, toSign);
        if (!Hmac.constantTimeEquals(expected, provided.toLowerCase(Locale.ROOT))) {
            throw new OssException(OssErrorCode.SIGNATURE_DOES_NOT_MATCH, Authenticator.SIGNATURE_MISMATCH,
                    new ErrorDetails(key.id(), provided, toSign, Map.of("CanonicalRequest", canonical)));
        }
    }

    /** {@code <AK>/<day>/<region>/<product>/aliyun_v4_request}. */
    record Credential(String keyId, SignatureV4.Scope scope) {
        static Credential parse(String value) throws OssException {
            String[] parts = value.split("/", -1);
            if (parts.length != 5 || parts[0].isEmpty() || !parts[1].matches("\\d{8}") || parts[2].isEmpty()
                    || parts[3].isEmpty() || !parts[4].equals(SignatureV4.TERMINATOR)) {
                throw malformed("Credential must be <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.");
            }
            return new Credential(parts[0], new SignatureV4.Scope(parts[1], parts[2], parts[3]));
        }
    }

    private static void checkDay(Credential c, String ossDate) throws OssException {
        if (!ossDate.startsWith(c.scope().day())) {
            throw malformed("the Credential date " + c.scope().day() + " is not the day of x-oss-date " + ossDate);
        }
    }

    /** {@code k=v} pairs separated by commas, optional spaces after each comma. */
    private static Map<String, String> parseFields(String s) throws OssException {
        Map<String, String> fields = new HashMap<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw malformed("Authorization header is invalid.");
            }
            fields.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return fields;
    }

    private static Set<String> additionalHeaders(String list) {
        if (list == null || list.isEmpty()) {
            return Set.of();
        }
        return new java.util.HashSet<>(java.util.Arrays.asList(list.toLowerCase(Locale.ROOT).split(";")));
    }

    private static Instant parseIsoBasic(String value, String name) throws OssException {
        if (value.isEmpty()) {
            throw new OssException(OssErrorCode.ACCESS_DENIED, "V4 requests require " + name + ".");
        }
        try {
            return LocalDateTime.parse(value, ISO_BASIC).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw malformed(name + " must look like 20250417T103000Z: " + Authenticator.shorten(value));
        }
    }

    private static OssException malformed(String message) {
        return new OssException(OssErrorCode.INVALID_ARGUMENT, message, ErrorDetails.of("Header", "Authorization"));
    }
}
