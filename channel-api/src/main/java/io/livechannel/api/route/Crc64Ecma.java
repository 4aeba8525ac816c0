package io.livechannel.api.route;

/**
 * CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), the {@code x-oss-hash-crc64ecma} the
 * Java SDK, oss2 and Go compare with their own after PutObject (wire spec §1.3). Table-driven, one byte per step.
 */
final class Crc64Ecma {
    private static final long POLY_REFLECTED = 0xC96C5795D7870F42L;
    private static final long[] TABLE = new long[256];

    static {
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLE[n] = crc;
        }
    }

    private Crc64Ecma() {
    }

    /** The CRC of {@code data} as OSS writes it: unsigned decimal. */
    static String of(byte[] data) {
        long crc = ~0L;
        for (byte b : data) {
            crc = TABLE[(int) ((crc ^ b) & 0xFF)] ^ (crc >>> 8);
        }
        return Long.toUnsignedString(~crc);
    }
}
