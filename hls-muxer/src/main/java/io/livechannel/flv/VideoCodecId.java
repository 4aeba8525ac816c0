package io.livechannel.flv;

/**
 * VIDEODATA {@code CodecID}, FLV spec E.4.3.1. Unlisted values map to {@link #UNKNOWN}. A body whose first byte has
 * the Enhanced RTMP ExHeader bit (0x80) set carries a FourCC instead of a codec id and is reported as
 * {@link #ENHANCED} (HEVC, AV1, VP9: not packaged into HLS by this service, which accepts H.264 only).
 */
public enum VideoCodecId {
    SORENSON_H263(2),
    SCREEN_VIDEO(3),
    VP6(4),
    VP6_ALPHA(5),
    SCREEN_VIDEO_V2(6),
    AVC(7),
    /** Enhanced RTMP ExHeader: codec named by a FourCC after the first byte. */
    ENHANCED(-2),
    UNKNOWN(-1);

    /** {@code values()} clones its array on every call; tags are parsed per frame. */
    private static final VideoCodecId[] VALUES = values();

    private final int value;

    VideoCodecId(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** Never throws. */
    public static VideoCodecId of(int value) {
        return value >= 2 && value <= 7 ? VALUES[value - 2] : UNKNOWN;
    }
}
