package io.livechannel.flv;

/**
 * {@code AVCPacketType} of an AVC video tag, FLV spec E.4.3.1. {@link #NONE} stands for "not an AVC tag: the body
 * has no such byte"; other unknown values are malformed.
 */
public enum AvcPacketType {
    /** Body is an AVCDecoderConfigurationRecord. */
    SEQUENCE_HEADER(0),
    /** Body is one access unit of length-prefixed NAL units. */
    NALU(1),
    /** End of sequence; body is empty. */
    END_OF_SEQUENCE(2),
    NONE(-1);

    /** {@code values()} clones its array on every call; tags are parsed per frame. */
    private static final AvcPacketType[] VALUES = values();

    private final int value;

    AvcPacketType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** Returns the constant for 0..2, or null for any other value (the caller reports it as malformed). */
    static AvcPacketType ofOrNull(int value) {
        return value >= 0 && value <= 2 ? VALUES[value] : null;
    }
}
