package io.livechannel.codec.h264;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;

/**
 * Converts an access unit from the length-prefixed form of FLV/MP4 ({@code AVCC}, ISO/IEC 14496-15 §5.3.4.2) to the
 * start-code form a transport stream carries (ITU-T H.264 Annex B).
 *
 * <p>{@link #scan} checks every length prefix first, so a malformed unit is rejected before anything is written;
 * {@link #writeAnnexB} then copies each NAL unit after a 4-byte start code, or {@link #forEach} hands out each NAL
 * unit's range for a zero-copy writer; both drop access unit delimiters (the packager writes its own first, as
 * nginx-rtmp and mediacommon do).
 */
public final class NalUnits {
    /** {@link #scan} flag: the unit holds an IDR slice. */
    public static final int HAS_IDR = 1;
    /** {@link #scan} flag: the unit holds an SPS. */
    public static final int HAS_SPS = 2;

    private static final int START_CODE = 0x00000001;

    private NalUnits() {
    }

    /**
     * Walks the NAL units of {@code avcc}'s readable bytes and returns {@link #HAS_IDR} / {@link #HAS_SPS} flags.
     * Does not move indexes or retain {@code avcc}.
     *
     * @param lengthSize bytes of each length prefix: 1, 2 or 4
     * @throws MalformedMediaException if a prefix is truncated, a length is 0 or runs past the end
     */
    public static int scan(ByteBuf avcc, int lengthSize) {
        int flags = 0;
        int p = avcc.readerIndex();
        int end = avcc.writerIndex();
        if (p == end) {
            throw new MalformedMediaException("AVC access unit is empty");
        }
        while (p < end) {
            if (end - p < lengthSize) {
                throw new MalformedMediaException("AVC access unit truncated: " + (end - p)
                        + " bytes left for a " + lengthSize + "-byte NAL unit length");
            }
            long length = readLength(avcc, p, lengthSize);
            p += lengthSize;
            if (length == 0 || length > end - p) {
                throw new MalformedMediaException("AVC access unit truncated: NAL unit declares " + length
                        + " bytes, " + (end - p) + " remain");
            }
            NalUnitType type = NalUnitType.ofHeaderByte(avcc.getByte(p));
            if (type == NalUnitType.IDR_SLICE) {
                flags |= HAS_IDR;
            } else if (type == NalUnitType.SPS) {
                flags |= HAS_SPS;
            }
            p += (int) length;
        }
        return flags;
    }

    /**
     * Appends every NAL unit of {@code avcc} except access unit delimiters to {@code out}, each after a 4-byte start
     * code. The unit must have passed {@link #scan}. Does not move {@code avcc}'s indexes or retain either buffer.
     */
    public static void writeAnnexB(ByteBuf avcc, int lengthSize, ByteBuf out) {
        int p = avcc.readerIndex();
        int end = avcc.writerIndex();
        out.ensureWritable(end - p);
        while (p < end) {
            int length = (int) readLength(avcc, p, lengthSize);
            p += lengthSize;
            if (NalUnitType.ofHeaderByte(avcc.getByte(p)) != NalUnitType.ACCESS_UNIT_DELIMITER) {
                out.ensureWritable(4 + length);
                out.writeInt(START_CODE);
                out.writeBytes(avcc, p, length);
            }
            p += length;
        }
    }

    /** Receives the NAL units of an access unit as ranges of the source buffer. */
    public interface Sink {
        /** One NAL unit (header byte first) at absolute {@code index} of {@code buffer}; not retained. */
        void nalUnit(ByteBuf buffer, int index, int length);
    }

    /**
     * Passes every NAL unit of {@code avcc} except access unit delimiters to {@code sink}, in order, without copying.
     * The unit must have passed {@link #scan}. Does not move {@code avcc}'s indexes or retain it.
     */
    public static void forEach(ByteBuf avcc, int lengthSize, Sink sink) {
        int p = avcc.readerIndex();
        int end = avcc.writerIndex();
        while (p < end) {
            int length = (int) readLength(avcc, p, lengthSize);
            p += lengthSize;
            if (NalUnitType.ofHeaderByte(avcc.getByte(p)) != NalUnitType.ACCESS_UNIT_DELIMITER) {
                sink.nalUnit(avcc, p, length);
            }
            p += length;
        }
    }

    private static long readLength(ByteBuf buf, int index, int lengthSize) {
        switch (lengthSize) {
            case 1:
                return buf.getUnsignedByte(index);
            case 2:
                return buf.getUnsignedShort(index);
            case 4:
                return buf.getUnsignedInt(index);
            default:
                throw new IllegalArgumentException("NAL unit length size " + lengthSize + " is not 1, 2 or 4");
        }
    }
}
