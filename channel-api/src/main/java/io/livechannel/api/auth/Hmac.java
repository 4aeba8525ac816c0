package io.livechannel.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA1/HMAC-SHA256 and SHA-256 from the JDK, and the constant-time comparison of signatures. */
final class Hmac {
    private Hmac() {
    }

    static byte[] sha1(byte[] key, String data) {
        return mac("HmacSHA1", key, data);
    }

    static byte[] sha256(byte[] key, String data) {
        return mac("HmacSHA256", key, data);
    }

    static byte[] sha256Digest(String data) {
        return sha256Digest(data.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256Digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Compares in time independent of where the values differ (no early exit), so timing leaks nothing. */
    static boolean constantTimeEquals(String expected, String provided) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                provided.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code Mac.getInstance} looks the provider up each time; a thread's instances are reused (init resets). */
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

    private static byte[] mac(String algorithm, byte[] key, String data) {
        try {
            Mac mac = MACS.get().get(algorithm);
            if (mac == null) {
                mac = Mac.getInstance(algorithm);
                MACS.get().put(algorithm, mac);
            }
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }
}
