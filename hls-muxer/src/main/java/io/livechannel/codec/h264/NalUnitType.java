package io.livechannel.codec.h264;

/**
 * The {@code nal_unit_type} values the packager acts on, ITU-T H.264 Table 7-1. Every other value maps to
 * {@link #OTHER}: those NAL units are copied through unchanged, as the spec lets decoders ignore unknown types.
 */
public enum NalUnitType {
    NON_IDR_SLICE(1),
    IDR_SLICE(5),
    SEI(6),
    SPS(7),
    PPS(8),
    ACCESS_UNIT_DELIMITER(9),
    OTHER(-1);

    private static final NalUnitType[] BY_VALUE = new NalUnitType[32];

    static {
        for (NalUnitType t : values()) {
            if (t.value >= 0) {
                BY_VALUE[t.value] = t;
            }
        }
    }

    private final int value;

    NalUnitType(int value) {
        this.value = value;
    }

    /** The 5-bit wire value, or -1 for {@link #OTHER}. */
    public int value() {
        return value;
    }

    /** Type of a NAL unit from its first (header) byte; never throws. */
    public static NalUnitType ofHeaderByte(int headerByte) {
        NalUnitType t = BY_VALUE[headerByte & 0x1F];
        return t != null ? t : OTHER;
    }
}
