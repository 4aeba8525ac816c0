package io.livechannel.storage.fs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps an object key to a relative path of safe file names and back.
 *
 * <p>The key is split at {@code /}. Each component is encoded byte by byte: {@code A-Z a-z 0-9 - _} are kept,
 * {@code .} is kept except as the first byte (so {@code .}, {@code ..} and hidden names cannot occur), and every
 * other byte becomes {@code %XX} (upper-case hex). Only ASCII reaches the filesystem, so names survive any
 * {@code sun.jnu.encoding}. An empty component is {@value #EMPTY_COMPONENT}. Components whose encoding exceeds
 * {@value #MAX_PIECE_CHARS} characters (the usual file name limit is 255 bytes) are cut into pieces; every piece
 * but the last is a directory named {@code piece + "%c"}. The key's last component is a regular file named
 * {@code piece + "%o"}; other components are plain directories. The markers ({@code %} followed by a non-hex
 * letter) cannot come out of the byte encoding, so decoding is unambiguous, and a file ({@code a%o}) never
 * collides with a directory ({@code a}) for keys {@code a} and {@code a/b}.
 *
 * <p>Worst case, a 1023-byte key of escaped bytes becomes about 3,100 characters of path; with Linux's 4,096-byte
 * {@code PATH_MAX} the store's root path must stay under about 900 bytes.
 */
final class KeyPathCodec {
    /** Leaves room for the two-character marker under the common 255-byte name limit. */
    static final int MAX_PIECE_CHARS = 200;
    static final String OBJECT_SUFFIX = "%o";
    static final String CONTINUATION_SUFFIX = "%c";
    static final String EMPTY_COMPONENT = "%e";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KeyPathCodec() {
    }

    /** File names from the bucket directory to the object file. */
    static List<String> objectPath(byte[] keyUtf8) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= keyUtf8.length; i++) {
            if (i == keyUtf8.length || keyUtf8[i] == '/') {
                addComponent(names, keyUtf8, start, i, i == keyUtf8.length);
                start = i + 1;
            }
        }
        return names;
    }

    /** Directory names for the complete components of {@code prefixUtf8}, that is, up to its last {@code /}. */
    static List<String> directoryPath(byte[] prefixUtf8) {
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < prefixUtf8.length; i++) {
            if (prefixUtf8[i] == '/') {
                addComponent(names, prefixUtf8, start, i, false);
                start = i + 1;
            }
        }
        return names;
    }

    private static void addComponent(List<String> names, byte[] key, int from, int to, boolean last) {
        String encoded = encode(key, from, to, true);
        if (encoded.length() > MAX_PIECE_CHARS) {
            // pieces after the first must not start with '.', so long components escape every dot
            encoded = encode(key, from, to, false);
        }
        int pos = 0;
        while (encoded.length() - pos > MAX_PIECE_CHARS) {
            int cut = pos + MAX_PIECE_CHARS;
            if (encoded.charAt(cut - 1) == '%') {
                cut -= 1;
            } else if (encoded.charAt(cut - 2) == '%') {
                cut -= 2;
            }
            names.add(encoded.substring(pos, cut) + CONTINUATION_SUFFIX);
            pos = cut;
        }
        String piece = encoded.substring(pos);
        names.add(last ? piece + OBJECT_SUFFIX : piece);
    }

    private static String encode(byte[] key, int from, int to, boolean keepDots) {
        if (from == to) {
            return EMPTY_COMPONENT;
        }
        StringBuilder sb = new StringBuilder((to - from) * 3 / 2);
        for (int i = from; i < to; i++) {
            int b = key[i] & 0xFF;
            boolean safe = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || (b == '.' && keepDots && i != from);
            if (safe) {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return sb.toString();
    }

    /**
     * Appends the bytes a name piece (without its marker) stands for.
     *
     * @return false when the name is not one this codec writes (a foreign file), which listings skip
     */
    static boolean decodePiece(String piece, ByteArrayOutputStream out) {
        if (piece.equals(EMPTY_COMPONENT)) {
            return true;
        }
        if (piece.isEmpty()) {
            return false;
        }
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (c == '%') {
                if (i + 2 >= piece.length()) {
                    return false;
                }
                int hi = Character.digit(piece.charAt(i + 1), 16);
                int lo = Character.digit(piece.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return false;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                return false;
            }
        }
        return true;
    }
}
