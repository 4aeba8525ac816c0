package io.livechannel.flv;

/**
 * VIDEODATA {@code FrameType}, FLV spec E.4.3.1 (4 bits; 3 bits when the Enhanced RTMP ExHeader bit is set).
 * Values outside the table map to {@link #UNKNOWN}; such frames are dropped by the packager, not fatal.
 */
public enum FrameType {
    KEY(1),
    INTER(2),
    DISPOSABLE_INTER(3),
    GENERATED_KEY(4),
    /** Video info or command frame: carries no picture. */
    VIDEO_INFO(5),
    UNKNOWN(-1);

    /** {@code values()} clones its array on every call; tags are parsed per frame. */
    private static final FrameType[] VALUES = values();

    private final int value;

    FrameType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** Never throws. */
    public static FrameType of(int value) {
        return value >= 1 && value <= 5 ? VALUES[value - 1] : UNKNOWN;
    }
}
