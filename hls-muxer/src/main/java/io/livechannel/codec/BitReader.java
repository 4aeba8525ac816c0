package io.livechannel.codec;

/**
 * Reads big-endian bit fields and exp-Golomb codes from a byte array: the {@code u(n)}, {@code ue(v)} and
 * {@code se(v)} descriptors of ITU-T H.264 §7.2 and §9.1, also used for the bit-packed MPEG-4 Audio structures.
 *
 * <p>Reading past the end throws {@link MalformedMediaException} naming the structure and the field being read;
 * the caller passes the field name (a constant string, so nothing is allocated unless the read fails).
 *
 * <p>Not thread-safe; one instance reads one structure.
 */
public final class BitReader {
    /** An exp-Golomb code with more leading zeros cannot fit the 32-bit values H.264 allows (§9.1). */
    static final int MAX_LEADING_ZERO_BITS = 31;

    private final byte[] data;
    private final int endBit;
    private final String structure;
    private int bitPosition;

    /**
     * @param data      the bytes to read; not copied, must not change while reading
     * @param offset    first byte to read
     * @param length    number of readable bytes
     * @param structure name of what is being read, used in error messages (for example {@code "SPS"})
     */
    public BitReader(byte[] data, int offset, int length, String structure) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + data.length + " bytes");
        }
        this.data = data;
        this.bitPosition = offset * 8;
        this.endBit = (offset + length) * 8;
        this.structure = structure;
    }

    /** Bits left to read. */
    public int remainingBits() {
        return endBit - bitPosition;
    }

    /** {@code u(1)} as a boolean. */
    public boolean readFlag(String field) {
        return readBits(1, field) == 1;
    }

    /** {@code u(n)}, 0 &lt;= n &lt;= 32, returned unsigned in a long. */
    public long readBitsLong(int n, String field) {
        if (n < 0 || n > 32) {
            throw new IllegalArgumentException("bit count " + n + " outside 0..32");
        }
        requireBits(n, field);
        long value = 0;
        for (int i = 0; i < n; i++) {
            int bit = (data[bitPosition >>> 3] >>> (7 - (bitPosition & 7))) & 1;
            value = (value << 1) | bit;
            bitPosition++;
        }
        return value;
    }

    /** {@code u(n)}, 0 &lt;= n &lt;= 31. */
    public int readBits(int n, String field) {
        if (n > 31) {
            throw new IllegalArgumentException("bit count " + n + " does not fit an int; use readBitsLong");
        }
        return (int) readBitsLong(n, field);
    }

    /** Skips {@code n} bits. */
    public void skipBits(int n, String field) {
        requireBits(n, field);
        bitPosition += n;
    }

    /** {@code ue(v)}: unsigned exp-Golomb, H.264 §9.1. */
    public long readUe(String field) {
        int leadingZeros = 0;
        while (!readFlag(field)) {
            leadingZeros++;
            if (leadingZeros > MAX_LEADING_ZERO_BITS) {
                throw new MalformedMediaException(structure + " field " + field + ": exp-Golomb code with more than "
                        + MAX_LEADING_ZERO_BITS + " leading zero bits");
            }
        }
        return (1L << leadingZeros) - 1 + readBitsLong(leadingZeros, field);
    }

    /** {@code ue(v)} that must lie in {@code [0, max]}; anything else is malformed. */
    public int readUe(String field, int max) {
        long value = readUe(field);
        if (value > max) {
            throw new MalformedMediaException(structure + " field " + field + " = " + value + " exceeds " + max);
        }
        return (int) value;
    }

    /** {@code se(v)}: signed exp-Golomb, H.264 §9.1.1. */
    public long readSe(String field) {
        long codeNum = readUe(field);
        return (codeNum & 1) == 1 ? (codeNum + 1) / 2 : -(codeNum / 2);
    }

    private void requireBits(int n, String field) {
        if (n > endBit - bitPosition) {
            throw new MalformedMediaException(structure + " truncated reading " + field + ": needs " + n
                    + " bits, " + (endBit - bitPosition) + " remain");
        }
    }
}
