package io.livechannel.ts;

/**
 * The 90 kHz system clock of PTS, DTS and PCR base (ISO/IEC 13818-1 §2.4.2.2, §2.4.3.7). Timestamps are carried in
 * 33 bits and wrap every 2^33 ticks (about 26.5 hours); callers keep an unwrapped 64-bit timeline and the writer
 * keeps only the low 33 bits, so the wrap happens naturally in the stream, as players (hls.js, ffmpeg) expect.
 */
public final class TsClock {
    /** Ticks per second. */
    public static final int HZ = 90_000;
    /** Ticks per millisecond. */
    public static final int TICKS_PER_MILLI = 90;
    /** Mask of the 33-bit timestamp fields. */
    public static final long MASK_33_BITS = (1L << 33) - 1;

    private TsClock() {
    }

    /** Milliseconds to 90 kHz ticks. */
    public static long ticksOfMillis(long millis) {
        return millis * TICKS_PER_MILLI;
    }

    /** The value a 33-bit field carries for an unwrapped tick count (negative counts wrap too). */
    public static long wrap33(long ticks) {
        return ticks & MASK_33_BITS;
    }
}
