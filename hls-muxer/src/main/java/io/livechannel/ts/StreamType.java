package io.livechannel.ts;

/** PMT {@code stream_type} values of the tracks we carry, ISO/IEC 13818-1 Table 2-34. */
public enum StreamType {
    /** AVC video, ITU-T H.264 in Annex B byte stream form. */
    H264(0x1B),
    /** ISO/IEC 13818-7 audio with ADTS transport syntax (AAC). */
    AAC_ADTS(0x0F);

    private final int value;

    StreamType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
