package io.livechannel.codec.aac;

import io.livechannel.codec.BitReader;
import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;

/**
 * {@code AudioSpecificConfig}, ISO/IEC 14496-3 §1.6.2.1, as carried in an FLV/RTMP AAC sequence header
 * (AACPacketType 0).
 *
 * <pre>
 *  5 audioObjectType (31: 6 more bits, type = 32 + value)
 *  4 samplingFrequencyIndex (15: 24 more bits hold the frequency)
 *  4 channelConfiguration
 *  if audioObjectType is 5 (SBR) or 29 (PS), explicit hierarchical signalling:
 *    4 extensionSamplingFrequencyIndex (15: 24 bits), 5 audioObjectType of the core coder
 *  GASpecificConfig for AAC object types: 1 frameLengthFlag (1 = 960 samples per frame), ...
 * </pre>
 *
 * <p>{@link #audioObjectType()} and {@link #samplingFrequencyHz()} describe the core coder, which is what an ADTS
 * header declares (HE-AAC is then decoded by implicit SBR signalling). {@link #outputSamplingFrequencyHz()} is the
 * rate after SBR, the one a listener hears and statistics report.
 *
 * @param audioObjectType           core object type number (2 for AAC LC, also for HE-AAC)
 * @param samplingFrequencyHz       core sampling rate
 * @param channelConfiguration      0 (described by a program config element) to 15; 1 mono, 2 stereo, ...
 * @param outputSamplingFrequencyHz rate after SBR; equals {@code samplingFrequencyHz} without explicit SBR
 * @param samplesPerFrame           1024 or 960 from {@code frameLengthFlag}
 */
public record AudioSpecificConfig(int audioObjectType, int samplingFrequencyHz, int channelConfiguration,
                                  int outputSamplingFrequencyHz, int samplesPerFrame) {

    /** The 2-byte AAC LC config used by most encoders carries everything in 13 bits; longer configs are rare. */
    public static final int MIN_LENGTH_BYTES = 2;

    public AudioSpecificConfig {
        if (samplingFrequencyHz <= 0 || outputSamplingFrequencyHz <= 0) {
            throw new IllegalArgumentException("sampling frequency not positive: " + samplingFrequencyHz + "/"
                    + outputSamplingFrequencyHz);
        }
        if (channelConfiguration < 0 || channelConfiguration > 15) {
            throw new IllegalArgumentException("channelConfiguration " + channelConfiguration + " outside 0..15");
        }
        if (samplesPerFrame != 1024 && samplesPerFrame != 960) {
            throw new IllegalArgumentException("samplesPerFrame " + samplesPerFrame + " not 1024 or 960");
        }
    }

    /** The object type as an enum ({@link AudioObjectType#OTHER} for unnamed types). */
    public AudioObjectType objectType() {
        return AudioObjectType.of(audioObjectType);
    }

    /**
     * Whether an ADTS header can describe this stream: object type 1-4, a sampling rate from the index table and
     * a channel configuration of 1-7.
     */
    public boolean isAdtsCompatible() {
        return AudioObjectType.of(audioObjectType).isAdtsProfile()
                && SamplingFrequency.indexOf(samplingFrequencyHz) >= 0
                && channelConfiguration >= 1 && channelConfiguration <= 7;
    }

    /**
     * Parses the config from {@code in}'s readable bytes and advances the reader index past all of them. Does not
     * retain {@code in}.
     *
     * @throws MalformedMediaException if it is shorter than {@link #MIN_LENGTH_BYTES} or ends inside a field, or
     *                                 uses a reserved sampling-frequency index
     */
    public static AudioSpecificConfig read(ByteBuf in) {
        int length = in.readableBytes();
        if (length < MIN_LENGTH_BYTES) {
            throw new MalformedMediaException("AudioSpecificConfig too short: " + length + " bytes, needs at least "
                    + MIN_LENGTH_BYTES);
        }
        // Only the first 16 bytes can hold fields we read; the rest (extensions) is skipped.
        byte[] bytes = new byte[Math.min(length, 16)];
        in.getBytes(in.readerIndex(), bytes);
        in.skipBytes(length);
        return parse(new BitReader(bytes, 0, bytes.length, "AudioSpecificConfig"));
    }

    private static AudioSpecificConfig parse(BitReader bits) {
        int objectType = readObjectType(bits);
        int frequency = readFrequency(bits, "samplingFrequencyIndex");
        int channels = bits.readBits(4, "channelConfiguration");
        int outputFrequency = frequency;
        if (objectType == AudioObjectType.SBR.value() || objectType == AudioObjectType.PS.value()) {
            outputFrequency = readFrequency(bits, "extensionSamplingFrequencyIndex");
            objectType = readObjectType(bits);
        }
        int samplesPerFrame = 1024;
        if (hasGaSpecificConfig(objectType) && bits.remainingBits() > 0) {
            samplesPerFrame = bits.readFlag("frameLengthFlag") ? 960 : 1024;
        }
        return new AudioSpecificConfig(objectType, frequency, channels, outputFrequency, samplesPerFrame);
    }

    private static int readObjectType(BitReader bits) {
        int type = bits.readBits(5, "audioObjectType");
        return type == 31 ? 32 + bits.readBits(6, "audioObjectTypeExt") : type;
    }

    private static int readFrequency(BitReader bits, String field) {
        int index = bits.readBits(4, field);
        if (index == SamplingFrequency.ESCAPE_INDEX) {
            int hz = bits.readBits(24, "samplingFrequency");
            if (hz == 0) {
                throw new MalformedMediaException("AudioSpecificConfig explicit samplingFrequency is 0");
            }
            return hz;
        }
        int hz = SamplingFrequency.hzOf(index);
        if (hz < 0) {
            throw new MalformedMediaException("AudioSpecificConfig " + field + " " + index + " is reserved");
        }
        return hz;
    }

    /** Object types whose config continues with GASpecificConfig, §1.6.2.1 Table 1.15. */
    private static boolean hasGaSpecificConfig(int objectType) {
        return (objectType >= 1 && objectType <= 4) || objectType == 6 || objectType == 7
                || (objectType >= 17 && objectType <= 23 && objectType != 18);
    }

    /**
     * Writes the 2-byte form (no SBR signalling) for configs whose type is below 31 and whose rate is in the
     * index table; used to build test vectors' round trips and by writers that re-emit a sequence header.
     */
    public void writeTo(ByteBuf out) {
        int index = SamplingFrequency.indexOf(samplingFrequencyHz);
        if (audioObjectType >= 31 || index < 0 || outputSamplingFrequencyHz != samplingFrequencyHz) {
            throw new IllegalStateException("only the 2-byte form is written: " + this);
        }
        int frameLengthFlag = samplesPerFrame == 960 ? 1 : 0;
        out.writeShort(audioObjectType << 11 | index << 7 | channelConfiguration << 3 | frameLengthFlag << 2);
    }
}
