package io.livechannel.flv;

/**
 * {@code AACPacketType} of an AAC audio tag, FLV spec E.4.2.1. {@link #NONE} stands for "not an AAC tag: the body
 * has no such byte"; other values are malformed.
 */
public enum AacPacketType {
    /** Body is an AudioSpecificConfig. */
    SEQUENCE_HEADER(0),
    /** Body is one raw AAC frame. */
    RAW(1),
    NONE(-1);

    private final int value;

    AacPacketType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
