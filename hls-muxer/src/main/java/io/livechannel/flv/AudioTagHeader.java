package io.livechannel.flv;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;

/**
 * The header of an FLV AUDIODATA body (FLV spec E.4.2.1), as carried in an RTMP audio message.
 *
 * <pre>
 * 4 SoundFormat   2 SoundRate (0: 5.5 kHz, 1: 11 kHz, 2: 22 kHz, 3: 44 kHz)   1 SoundSize (0: 8 bit, 1: 16 bit)
 * 1 SoundType (0: mono, 1: stereo)
 * if SoundFormat == 10 (AAC):   8 AACPacketType
 * </pre>
 *
 * <p>For AAC the rate and type bits are fixed at 44 kHz stereo by the spec and mean nothing; the real values come
 * from the AudioSpecificConfig.
 *
 * @param soundFormat   codec of the body
 * @param soundRateHz   5512, 11025, 22050 or 44100 as written in the header
 * @param is16Bit       SoundSize
 * @param isStereo      SoundType
 * @param aacPacketType {@link AacPacketType#NONE} unless the format is AAC
 */
public record AudioTagHeader(SoundFormat soundFormat, int soundRateHz, boolean is16Bit, boolean isStereo,
                             AacPacketType aacPacketType) {
    private static final int[] RATE_HZ = {5512, 11025, 22050, 44100};

    public AudioTagHeader {
        if ((soundFormat == SoundFormat.AAC) == (aacPacketType == AacPacketType.NONE)) {
            throw new IllegalArgumentException("aacPacketType " + aacPacketType + " does not fit " + soundFormat);
        }
        if (rateCode(soundRateHz) < 0) {
            throw new IllegalArgumentException("soundRateHz " + soundRateHz + " is not an FLV rate");
        }
    }

    /** Bytes {@link #writeTo} writes. */
    public int encodedLength() {
        return soundFormat == SoundFormat.AAC ? 2 : 1;
    }

    /**
     * Reads the header at {@code in}'s reader index and advances past it, leaving the reader index at the payload.
     * Does not retain {@code in}.
     *
     * @throws MalformedMediaException if the body is empty, an AAC body has no packet type byte or its
     *                                 AACPacketType is not 0 or 1
     */
    public static AudioTagHeader read(ByteBuf in) {
        if (!in.isReadable()) {
            throw new MalformedMediaException("audio tag body is empty");
        }
        int first = in.getUnsignedByte(in.readerIndex());
        SoundFormat format = SoundFormat.of(first >> 4);
        int rateHz = RATE_HZ[first >> 2 & 3];
        boolean is16Bit = (first & 2) != 0;
        boolean isStereo = (first & 1) != 0;
        if (format != SoundFormat.AAC) {
            in.skipBytes(1);
            return new AudioTagHeader(format, rateHz, is16Bit, isStereo, AacPacketType.NONE);
        }
        if (in.readableBytes() < 2) {
            throw new MalformedMediaException("AAC audio tag header truncated: no AACPacketType byte");
        }
        int packetTypeValue = in.getUnsignedByte(in.readerIndex() + 1);
        if (packetTypeValue > 1) {
            throw new MalformedMediaException("AACPacketType " + packetTypeValue + " is not 0 or 1");
        }
        in.skipBytes(2);
        AacPacketType packetType = packetTypeValue == 0 ? AacPacketType.SEQUENCE_HEADER : AacPacketType.RAW;
        return new AudioTagHeader(format, rateHz, is16Bit, isStereo, packetType);
    }

    /** Writes the header. Does not retain {@code out}. */
    public void writeTo(ByteBuf out) {
        out.writeByte(soundFormat.value() << 4 | rateCode(soundRateHz) << 2 | (is16Bit ? 2 : 0) | (isStereo ? 1 : 0));
        if (soundFormat == SoundFormat.AAC) {
            out.writeByte(aacPacketType.value());
        }
    }

    private static int rateCode(int hz) {
        for (int i = 0; i < RATE_HZ.length; i++) {
            if (RATE_HZ[i] == hz) {
                return i;
            }
        }
        return -1;
    }
}
