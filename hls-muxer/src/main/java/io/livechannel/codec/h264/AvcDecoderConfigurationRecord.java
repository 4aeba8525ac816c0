package io.livechannel.codec.h264;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code AVCDecoderConfigurationRecord}, the {@code avcC} box of ISO/IEC 14496-15 §5.3.3.1, as carried in the body
 * of an FLV/RTMP AVC sequence header (AVCPacketType 0).
 *
 * <pre>
 *  8 configurationVersion (1)   8 AVCProfileIndication   8 profile_compatibility   8 AVCLevelIndication
 *  6 reserved '111111'  2 lengthSizeMinusOne
 *  3 reserved '111'     5 numOfSequenceParameterSets, then per SPS: 16 length, SPS NAL unit
 *  8 numOfPictureParameterSets, then per PPS: 16 length, PPS NAL unit
 *  [High profile extension (chroma_format, bit depths, SPS ext): ignored]
 * </pre>
 *
 * <p>Immutable: the parameter sets are copied in and every accessor returns copies. The first SPS is parsed into
 * {@link #sps()} (width, height, profile, level, frame rate). {@code equals} compares the bytes, so a repeated
 * sequence header is recognised as unchanged.
 */
public final class AvcDecoderConfigurationRecord {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private final int profileIndication;
    private final int profileCompatibility;
    private final int levelIndication;
    private final int nalUnitLengthSize;
    private final byte[][] sequenceParameterSets;
    private final byte[][] pictureParameterSets;
    private final Sps sps;

    private AvcDecoderConfigurationRecord(int profileIndication, int profileCompatibility, int levelIndication,
                                          int nalUnitLengthSize, byte[][] spsList, byte[][] ppsList) {
        this.profileIndication = profileIndication;
        this.profileCompatibility = profileCompatibility;
        this.levelIndication = levelIndication;
        this.nalUnitLengthSize = nalUnitLengthSize;
        this.sequenceParameterSets = spsList;
        this.pictureParameterSets = ppsList;
        this.sps = Sps.parse(spsList[0]);
    }

    /**
     * Reads a record from {@code in}'s readable bytes and advances its reader index past them (trailing
     * extension bytes included). Does not retain {@code in}.
     *
     * @throws MalformedMediaException if the record is truncated, has a version other than 1, holds no SPS or
     *                                 no PPS, or its first SPS does not parse
     */
    public static AvcDecoderConfigurationRecord read(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (end - start < 7) {
            throw new MalformedMediaException("AVCDecoderConfigurationRecord truncated: " + (end - start)
                    + " bytes, needs at least 7");
        }
        int version = in.getUnsignedByte(start);
        if (version != 1) {
            throw new MalformedMediaException("AVCDecoderConfigurationRecord configurationVersion " + version
                    + ", expected 1");
        }
        int profile = in.getUnsignedByte(start + 1);
        int compatibility = in.getUnsignedByte(start + 2);
        int level = in.getUnsignedByte(start + 3);
        int lengthSize = (in.getUnsignedByte(start + 4) & 0x03) + 1;
        if (lengthSize == 3) {
            throw new MalformedMediaException("AVCDecoderConfigurationRecord lengthSizeMinusOne 2 is reserved");
        }
        int[] position = {start + 5};
        byte[][] spsList = readParameterSets(in, position, end, in.getUnsignedByte(start + 5) & 0x1F, "SPS");
        if (position[0] >= end) {
            throw new MalformedMediaException("AVCDecoderConfigurationRecord truncated before numOfPictureParameterSets");
        }
        int ppsCount = in.getUnsignedByte(position[0]);
        byte[][] ppsList = readParameterSets(in, position, end, ppsCount, "PPS");
        if (spsList.length == 0 || ppsList.length == 0) {
            throw new MalformedMediaException("AVCDecoderConfigurationRecord holds " + spsList.length + " SPS and "
                    + ppsList.length + " PPS; needs at least one of each");
        }
        in.readerIndex(end);
        return new AvcDecoderConfigurationRecord(profile, compatibility, level, lengthSize, spsList, ppsList);
    }

    /** position[0] points at the count byte on entry and past the last set on return. */
    private static byte[][] readParameterSets(ByteBuf in, int[] position, int end, int count, String kind) {
        int p = position[0] + 1;
        byte[][] sets = new byte[count][];
        for (int i = 0; i < count; i++) {
            if (end - p < 2) {
                throw new MalformedMediaException("AVCDecoderConfigurationRecord truncated: length of " + kind + " "
                        + i + " missing");
            }
            int length = in.getUnsignedShort(p);
            p += 2;
            if (length == 0 || length > end - p) {
                throw new MalformedMediaException("AVCDecoderConfigurationRecord truncated: " + kind + " " + i
                        + " declares " + length + " bytes, " + (end - p) + " remain");
            }
            sets[i] = new byte[length];
            in.getBytes(p, sets[i]);
            p += length;
        }
        position[0] = p;
        return sets;
    }

    /** Writes the record (without the High profile extension) to {@code out}. Does not retain {@code out}. */
    public void writeTo(ByteBuf out) {
        out.writeByte(1);
        out.writeByte(profileIndication);
        out.writeByte(profileCompatibility);
        out.writeByte(levelIndication);
        out.writeByte(0xFC | (nalUnitLengthSize - 1));
        out.writeByte(0xE0 | sequenceParameterSets.length);
        for (byte[] set : sequenceParameterSets) {
            out.writeShort(set.length);
            out.writeBytes(set);
        }
        out.writeByte(pictureParameterSets.length);
        for (byte[] set : pictureParameterSets) {
            out.writeShort(set.length);
            out.writeBytes(set);
        }
    }

    /** Bytes {@link #writeParameterSetsAnnexB} writes. */
    public int parameterSetsAnnexBLength() {
        int length = 0;
        for (byte[] set : sequenceParameterSets) {
            length += START_CODE.length + set.length;
        }
        for (byte[] set : pictureParameterSets) {
            length += START_CODE.length + set.length;
        }
        return length;
    }

    /**
     * Writes every SPS then every PPS, each after a 4-byte start code (ITU-T H.264 Annex B), as they must precede
     * an IDR picture in a transport stream. Does not retain {@code out}.
     */
    public void writeParameterSetsAnnexB(ByteBuf out) {
        for (byte[] set : sequenceParameterSets) {
            out.writeBytes(START_CODE).writeBytes(set);
        }
        for (byte[] set : pictureParameterSets) {
            out.writeBytes(START_CODE).writeBytes(set);
        }
    }

    /** {@code AVCProfileIndication}. */
    public int profileIndication() {
        return profileIndication;
    }

    /** {@code profile_compatibility}. */
    public int profileCompatibility() {
        return profileCompatibility;
    }

    /** {@code AVCLevelIndication}. */
    public int levelIndication() {
        return levelIndication;
    }

    /** Size in bytes (1, 2 or 4) of the length prefix before each NAL unit of the stream's access units. */
    public int nalUnitLengthSize() {
        return nalUnitLengthSize;
    }

    /** Copies of the SPS NAL units. */
    public List<byte[]> sequenceParameterSets() {
        return copies(sequenceParameterSets);
    }

    /** Copies of the PPS NAL units. */
    public List<byte[]> pictureParameterSets() {
        return copies(pictureParameterSets);
    }

    /** The first SPS, parsed. */
    public Sps sps() {
        return sps;
    }

    private static List<byte[]> copies(byte[][] sets) {
        List<byte[]> list = new ArrayList<>(sets.length);
        for (byte[] set : sets) {
            list.add(set.clone());
        }
        return List.copyOf(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvcDecoderConfigurationRecord other
                && profileIndication == other.profileIndication
                && profileCompatibility == other.profileCompatibility
                && levelIndication == other.levelIndication
                && nalUnitLengthSize == other.nalUnitLengthSize
                && Arrays.deepEquals(sequenceParameterSets, other.sequenceParameterSets)
                && Arrays.deepEquals(pictureParameterSets, other.pictureParameterSets);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(sequenceParameterSets) + Arrays.deepHashCode(pictureParameterSets);
    }

    @Override
    public String toString() {
        return "AvcDecoderConfigurationRecord[profile=" + profileIndication + ", level=" + levelIndication
                + ", lengthSize=" + nalUnitLengthSize + ", sps=" + sps + ", ppsCount=" + pictureParameterSets.length
                + "]";
    }
}
