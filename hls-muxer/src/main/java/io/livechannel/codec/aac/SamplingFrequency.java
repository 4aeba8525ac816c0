package io.livechannel.codec.aac;

/** The {@code samplingFrequencyIndex} table, ISO/IEC 14496-3 §1.6.3.4 Table 1.18. */
public final class SamplingFrequency {
    /** Index meaning "a 24-bit frequency follows". */
    public static final int ESCAPE_INDEX = 15;

    private static final int[] HZ_BY_INDEX = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    };

    private SamplingFrequency() {
    }

    /** Frequency in Hz for an index, or -1 for the reserved indexes 13 and 14 and the escape index. */
    public static int hzOf(int index) {
        return index >= 0 && index < HZ_BY_INDEX.length ? HZ_BY_INDEX[index] : -1;
    }

    /** Index of a frequency in the table, or -1 if the table does not list it (ADTS cannot carry it). */
    public static int indexOf(int hz) {
        for (int i = 0; i < HZ_BY_INDEX.length; i++) {
            if (HZ_BY_INDEX[i] == hz) {
                return i;
            }
        }
        return -1;
    }
}
