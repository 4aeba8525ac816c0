package io.livechannel.rtmp.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The digest ("complex") handshake of Flash-era clients: HMAC-SHA256 digests embedded in C1, S1 and S2 at
 * offsets derived from the block's own bytes. Not in the published RTMP spec; the layout is the one nginx-rtmp
 * ({@code ngx_rtmp_handshake.c}) and FFmpeg ({@code rtmpproto.c}) implement, and FFmpeg verifies our S1 and S2
 * against it when its C1 carries a version.
 *
 * <pre>
 * scheme 0: offset = (b[8] + b[9] + b[10] + b[11]) % 728 + 12      (the scheme we write)
 * scheme 1: offset = (b[772] + b[773] + b[774] + b[775]) % 728 + 776
 * digest   = HMAC-SHA256(key, block without the 32 digest bytes)
 * S2 tail  = HMAC-SHA256(HMAC-SHA256(serverKey68, clientDigest), S2[0..1504))
 * </pre>
 *
 * <p>Pure and stateless; works on 1536-byte arrays.
 */
final class HandshakeDigest {
    static final int BLOCK_LENGTH = 1536;
    static final int DIGEST_LENGTH = 32;
    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE};
    /** "Genuine Adobe Flash Player 001": the key of the client's C1 digest. */
    static final byte[] CLIENT_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    /** "Genuine Adobe Flash Media Server 001": the key of the server's S1 digest. */
    static final byte[] SERVER_KEY = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    /** The server key followed by its 32-byte tail: the key that derives the S2 signing key. */
    static final byte[] SERVER_KEY_FULL = concat(SERVER_KEY, KEY_TAIL);
    /** The client key followed by the same tail: the key a client uses to sign C2. */
    static final byte[] CLIENT_KEY_FULL = concat(CLIENT_KEY, KEY_TAIL);

    private HandshakeDigest() {
    }

    /** The offset of the client digest in {@code c1} if C1 carries a valid one (scheme 1, then 0), else -1. */
    static int findDigest(byte[] block, byte[] key) {
        for (int base : new int[] {772, 8}) {
            int offset = offset(block, base);
            byte[] expected = digest(block, offset, key);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(block, offset, offset + DIGEST_LENGTH))) {
                return offset;
            }
        }
        return -1;
    }

    /** Writes a scheme-0 digest keyed with {@code key} into {@code block}; returns its offset. */
    static int writeDigest(byte[] block, byte[] key) {
        int offset = offset(block, 8);
        System.arraycopy(digest(block, offset, key), 0, block, offset, DIGEST_LENGTH);
        return offset;
    }

    /** Signs the last 32 bytes of {@code s2} for the given client digest. */
    static void signS2(byte[] s2, byte[] clientDigest) {
        byte[] key = hmac(SERVER_KEY_FULL, clientDigest, 0, clientDigest.length);
        byte[] signature = hmac(key, s2, 0, BLOCK_LENGTH - DIGEST_LENGTH);
        System.arraycopy(signature, 0, s2, BLOCK_LENGTH - DIGEST_LENGTH, DIGEST_LENGTH);
    }

    static int offset(byte[] block, int base) {
        int sum = (block[base] & 0xFF) + (block[base + 1] & 0xFF) + (block[base + 2] & 0xFF) + (block[base + 3] & 0xFF);
        return sum % 728 + base + 4;
    }

    private static byte[] digest(byte[] block, int offset, byte[] key) {
        Mac mac = mac(key);
        mac.update(block, 0, offset);
        mac.update(block, offset + DIGEST_LENGTH, BLOCK_LENGTH - offset - DIGEST_LENGTH);
        return mac.doFinal();
    }

    private static byte[] hmac(byte[] key, byte[] data, int from, int length) {
        Mac mac = mac(key);
        mac.update(data, from, length);
        return mac.doFinal();
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
