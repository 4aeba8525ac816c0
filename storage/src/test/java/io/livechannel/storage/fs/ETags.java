package io.livechannel.storage.fs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/** The ETags the filesystem store must produce, computed here from the bytes, independently of the store. */
final class ETags {
    private ETags() {
    }

    /** An upload's: upper-case hex MD5. */
    static String md5(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    /** Live output's: CRC32C (8 hex digits), eight zeros, the length (16 hex digits). */
    static String checksum(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return String.format("%08X%08X%016X", crc.getValue(), 0, (long) content.length);
    }
}
