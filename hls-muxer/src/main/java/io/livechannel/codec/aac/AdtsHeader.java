package io.livechannel.codec.aac;

import io.netty.buffer.ByteBuf;

/**
 * The 7-byte ADTS header (no CRC) written before every raw AAC frame in an MPEG-TS stream of type 0x0F,
 * ISO/IEC 14496-3 §1.A.2.2 (adts_fixed_header + adts_variable_header). hls.js refuses an AAC PES that does not
 * start with one ("no ADTS header found in AAC PES").
 *
 * <pre>
 * 12 syncword 0xFFF   1 ID (0 = MPEG-4)   2 layer 00   1 protection_absent (1)
 *  2 profile (object type - 1)   4 sampling_frequency_index   1 private_bit   3 channel_configuration
 *  1 original_copy   1 home   1 copyright_id_bit   1 copyright_id_start
 * 13 aac_frame_length (header included)   11 adts_buffer_fullness (0x7FF: VBR)   2 raw_data_blocks - 1 (0)
 * </pre>
 *
 * @param profile                 ADTS profile: audio object type minus one, 0..3
 * @param samplingFrequencyIndex  index into {@link SamplingFrequency}, 0..12
 * @param channelConfiguration    1..7
 * @param frameLengthBytes        whole ADTS frame, header included, at most {@link #MAX_FRAME_LENGTH_BYTES}
 */
public record AdtsHeader(int profile, int samplingFrequencyIndex, int channelConfiguration, int frameLengthBytes) {
    /** Header length without CRC. */
    public static final int LENGTH_BYTES = 7;
    /** aac_frame_length is a 13-bit field. */
    public static final int MAX_FRAME_LENGTH_BYTES = (1 << 13) - 1;

    public AdtsHeader {
        if (profile < 0 || profile > 3) {
            throw new IllegalArgumentException("profile " + profile + " outside 0..3");
        }
        if (samplingFrequencyIndex < 0 || samplingFrequencyIndex > 12) {
            throw new IllegalArgumentException("samplingFrequencyIndex " + samplingFrequencyIndex + " outside 0..12");
        }
        if (channelConfiguration < 1 || channelConfiguration > 7) {
            throw new IllegalArgumentException("channelConfiguration " + channelConfiguration + " outside 1..7");
        }
        if (frameLengthBytes < LENGTH_BYTES || frameLengthBytes > MAX_FRAME_LENGTH_BYTES) {
            throw new IllegalArgumentException("frameLengthBytes " + frameLengthBytes + " outside "
                    + LENGTH_BYTES + ".." + MAX_FRAME_LENGTH_BYTES);
        }
    }

    /** Writes the header for {@code config} before a raw frame of {@code rawFrameBytes}, without allocating. */
    public static void write(ByteBuf out, int profile, int samplingFrequencyIndex, int channelConfiguration,
                             int rawFrameBytes) {
        int frameLength = rawFrameBytes + LENGTH_BYTES;
        // 0xFFF1: syncword, ID 0, layer 0, protection_absent 1
        out.writeShort(0xFFF1);
        out.writeByte(profile << 6 | samplingFrequencyIndex << 2 | channelConfiguration >> 2);
        out.writeByte((channelConfiguration & 3) << 6 | frameLength >> 11);
        out.writeByte(frameLength >> 3);
        out.writeByte((frameLength & 7) << 5 | 0x1F);
        out.writeByte(0xFC);
    }

    /** Writes this header. Does not retain {@code out}. */
    public void writeTo(ByteBuf out) {
        write(out, profile, samplingFrequencyIndex, channelConfiguration, frameLengthBytes - LENGTH_BYTES);
    }

    /**
     * Reads a header from {@code in} (7 bytes, advancing the reader index), for tests and probes.
     *
     * @throws io.livechannel.codec.MalformedMediaException if fewer than 7 bytes remain, the syncword is missing,
     *                                                      or a field is outside what this record allows
     */
    public static AdtsHeader read(ByteBuf in) {
        if (in.readableBytes() < LENGTH_BYTES || in.getUnsignedShort(in.readerIndex()) >> 4 != 0xFFF) {
            throw new io.livechannel.codec.MalformedMediaException("not an ADTS header");
        }
        long bits = in.readUnsignedInt() << 24 | in.readUnsignedMedium();
        // 56 bits: fields counted from the top
        int profile = (int) (bits >>> 38) & 3;
        int frequencyIndex = (int) (bits >>> 34) & 0xF;
        int channels = (int) (bits >>> 30) & 7;
        int frameLength = (int) (bits >>> 13) & 0x1FFF;
        try {
            return new AdtsHeader(profile, frequencyIndex, channels, frameLength);
        } catch (IllegalArgumentException e) {
            throw new io.livechannel.codec.MalformedMediaException("ADTS header: " + e.getMessage());
        }
    }
}
