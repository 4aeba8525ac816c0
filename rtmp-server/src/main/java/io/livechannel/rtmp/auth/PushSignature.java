package io.livechannel.rtmp.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of an RTMP push URL ({@code oss-sdk-wire-spec.md} §6.1, vectors §6.2 and §10 #8):
 * <pre>
 * Signature    = Base64(HMAC-SHA1(AccessKeySecret, StringToSign))
 * StringToSign = Expires "\n" CanonicalizedParams "/" bucket "/" channel
 * CanonicalizedParams = every param except OSSAccessKeyId, Expires, Signature, SecurityToken,
 *                       sorted by name, each "name:value\n" (values decoded)
 * </pre>
 * The SDKs disagree on {@code security-token}: Java and oss2 sign it, Go and the official doc don't. {@link #verify}
 * accepts either (first with it, then without).
 *
 * <p>Pure: no I/O; wall time comes from the injected clock. Thread-safe.
 */
public final class PushSignature {
    public static final String ACCESS_KEY_ID = "OSSAccessKeyId";
    public static final String EXPIRES = "Expires";
    public static final String SIGNATURE = "Signature";
    public static final String SECURITY_TOKEN = "security-token";
    private static final Set<String> NEVER_SIGNED = Set.of(ACCESS_KEY_ID, EXPIRES, SIGNATURE, "SecurityToken");

    /** The outcome of {@link #verify}. */
    public enum Result {
        VALID,
        /** {@code Expires}, {@code Signature} or {@code OSSAccessKeyId} is absent: the URL is not signed. */
        UNSIGNED,
        /** {@code Expires} is not a whole number of seconds. */
        MALFORMED,
        /** The signature does not match (wrong secret, altered parameter, other bucket or channel). */
        MISMATCH,
        /** The signature matches but {@code Expires} is in the past. */
        EXPIRED
    }

    private final Clock clock;

    public PushSignature(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The access key id the URL names, if any. */
    public static Optional<String> accessKeyId(Map<String, String> params) {
        return Optional.ofNullable(params.get(ACCESS_KEY_ID));
    }

    /**
     * Verifies {@code params} (decoded query parameters of the push URL) for {@code /bucket/channel}.
     * Expiry is checked after the signature, so an expired URL says so only to a holder of a valid signature.
     */
    public Result verify(Map<String, String> params, String bucket, String channel, String secret) {
        String expires = params.get(EXPIRES);
        String signature = params.get(SIGNATURE);
        if (expires == null || signature == null || !params.containsKey(ACCESS_KEY_ID)) {
            return Result.UNSIGNED;
        }
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return Result.MALFORMED;
        }
        boolean matches = matches(signature, sign(secret, stringToSign(expiresSeconds, params, true, bucket, channel)))
                || params.containsKey(SECURITY_TOKEN)
                && matches(signature, sign(secret, stringToSign(expiresSeconds, params, false, bucket, channel)));
        if (!matches) {
            return Result.MISMATCH;
        }
        return expiresSeconds < clock.instant().getEpochSecond() ? Result.EXPIRED : Result.VALID;
    }

    /**
     * The string to sign.
     *
     * @param params the URL's decoded params; the never-signed ones are skipped here
     * @param includeSecurityToken whether {@code security-token} is signed (Java, oss2) or not (Go, doc)
     */
    public static String stringToSign(long expiresSeconds, Map<String, String> params, boolean includeSecurityToken,
            String bucket, String channel) {
        StringBuilder sb = new StringBuilder().append(expiresSeconds).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            String name = e.getKey();
            if (NEVER_SIGNED.contains(name) || !includeSecurityToken && name.equals(SECURITY_TOKEN)) {
                continue;
            }
            sb.append(name).append(':').append(e.getValue()).append('\n');
        }
        return sb.append('/').append(bucket).append('/').append(channel).toString();
    }

    /** Base64(HMAC-SHA1(secret, stringToSign)). */
    public static String sign(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JDK", e);
        }
    }

    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
