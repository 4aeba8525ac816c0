package io.livechannel.flv;

/**
 * AUDIODATA {@code SoundFormat}, FLV spec E.4.2.1. Every 4-bit value is listed; only {@link #AAC} is packaged
 * into HLS (the OSS LiveChannel spec keeps AAC and drops other audio).
 */
public enum SoundFormat {
    LINEAR_PCM_PLATFORM_ENDIAN(0),
    ADPCM(1),
    MP3(2),
    LINEAR_PCM_LITTLE_ENDIAN(3),
    NELLYMOSER_16KHZ_MONO(4),
    NELLYMOSER_8KHZ_MONO(5),
    NELLYMOSER(6),
    G711_A_LAW(7),
    G711_MU_LAW(8),
    /** Enhanced RTMP v2: ExAudioTagHeader with a FourCC follows. */
    EX_HEADER(9),
    AAC(10),
    SPEEX(11),
    RESERVED_12(12),
    RESERVED_13(13),
    MP3_8KHZ(14),
    DEVICE_SPECIFIC(15);

    /** {@code values()} clones its array on every call; tags are parsed per frame. */
    private static final SoundFormat[] VALUES = values();

    private final int value;

    SoundFormat(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** {@code value} is a 4-bit field, so this never fails for 0..15. */
    public static SoundFormat of(int value) {
        return VALUES[value & 0x0F];
    }
}
