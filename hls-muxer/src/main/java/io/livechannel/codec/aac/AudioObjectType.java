package io.livechannel.codec.aac;

/**
 * MPEG-4 audio object types, ISO/IEC 14496-3 §1.5.1.1 Table 1.1. Only the types an FLV AAC stream carries in
 * practice are named; every other value maps to {@link #OTHER} (kept as a number in {@link AudioSpecificConfig}),
 * because an unknown type is not malformed, only unsupported in ADTS.
 */
public enum AudioObjectType {
    AAC_MAIN(1),
    AAC_LC(2),
    AAC_SSR(3),
    AAC_LTP(4),
    /** Spectral band replication: HE-AAC v1 when signalled explicitly. */
    SBR(5),
    /** Parametric stereo: HE-AAC v2 when signalled explicitly. */
    PS(29),
    OTHER(-1);

    private final int value;

    AudioObjectType(int value) {
        this.value = value;
    }

    /** The wire value, or -1 for {@link #OTHER}. */
    public int value() {
        return value;
    }

    /** Never throws. */
    public static AudioObjectType of(int value) {
        for (AudioObjectType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return OTHER;
    }

    /** Whether an ADTS header can carry this type: its 2-bit profile field holds object types 1 to 4. */
    public boolean isAdtsProfile() {
        return value >= 1 && value <= 4;
    }
}
