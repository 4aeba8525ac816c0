package io.livechannel.flv;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;

/**
 * The header of an FLV VIDEODATA body (FLV spec E.4.3.1), as carried in an RTMP video message.
 *
 * <pre>
 * 4 FrameType   4 CodecID                       (bit 7 set: Enhanced RTMP ExHeader, not parsed further)
 * if CodecID == 7 (AVC):
 *   8 AVCPacketType   24 CompositionTime (SI24, milliseconds; 0 unless AVCPacketType == 1)
 * </pre>
 *
 * <p>The composition time is sign-extended: encoders write negative values for some B-frame layouts, and
 * nginx-rtmp and SRS misread them as large positive values (research notes, §0.11).
 *
 * @param frameType              key frame, inter frame, ...
 * @param codecId                codec of the body
 * @param avcPacketType          {@link AvcPacketType#NONE} unless {@code codecId} is AVC
 * @param compositionTimeMillis  PTS minus DTS in milliseconds; 0 unless AVC
 */
public record VideoTagHeader(FrameType frameType, VideoCodecId codecId, AvcPacketType avcPacketType,
                             int compositionTimeMillis) {
    /** Length of an AVC header: FrameType/CodecID, AVCPacketType, CompositionTime. */
    public static final int AVC_LENGTH_BYTES = 5;

    public VideoTagHeader {
        if ((codecId == VideoCodecId.AVC) == (avcPacketType == AvcPacketType.NONE)) {
            throw new IllegalArgumentException("avcPacketType " + avcPacketType + " does not fit codec " + codecId);
        }
        if (compositionTimeMillis < -(1 << 23) || compositionTimeMillis >= 1 << 23) {
            throw new IllegalArgumentException("compositionTimeMillis " + compositionTimeMillis + " not an SI24");
        }
    }

    /** Whether the frame is a key frame (a random access point). */
    public boolean isKeyframe() {
        return frameType == FrameType.KEY;
    }

    /** Bytes {@link #writeTo} writes. */
    public int encodedLength() {
        return codecId == VideoCodecId.AVC ? AVC_LENGTH_BYTES : 1;
    }

    /**
     * Reads the header at {@code in}'s reader index and advances past it, leaving the reader index at the payload
     * (the decoder configuration record or the NAL units). Does not retain {@code in}.
     *
     * @throws MalformedMediaException if the body is empty, an AVC body is shorter than 5 bytes or its
     *                                 AVCPacketType is not 0-2
     */
    public static VideoTagHeader read(ByteBuf in) {
        if (!in.isReadable()) {
            throw new MalformedMediaException("video tag body is empty");
        }
        int first = in.getUnsignedByte(in.readerIndex());
        if ((first & 0x80) != 0) {
            in.skipBytes(1);
            return new VideoTagHeader(FrameType.of(first >> 4 & 0x07), VideoCodecId.ENHANCED, AvcPacketType.NONE, 0);
        }
        FrameType frameType = FrameType.of(first >> 4);
        VideoCodecId codecId = VideoCodecId.of(first & 0x0F);
        if (codecId != VideoCodecId.AVC) {
            in.skipBytes(1);
            return new VideoTagHeader(frameType, codecId, AvcPacketType.NONE, 0);
        }
        if (in.readableBytes() < AVC_LENGTH_BYTES) {
            throw new MalformedMediaException("AVC video tag header truncated: " + in.readableBytes()
                    + " bytes, needs " + AVC_LENGTH_BYTES);
        }
        int packetTypeValue = in.getUnsignedByte(in.readerIndex() + 1);
        AvcPacketType packetType = AvcPacketType.ofOrNull(packetTypeValue);
        if (packetType == null) {
            throw new MalformedMediaException("AVCPacketType " + packetTypeValue + " is not 0, 1 or 2");
        }
        int compositionTime = in.getMedium(in.readerIndex() + 2);
        in.skipBytes(AVC_LENGTH_BYTES);
        return new VideoTagHeader(frameType, codecId, packetType, compositionTime);
    }

    /** Writes the header. Does not retain {@code out}. Enhanced headers are not written. */
    public void writeTo(ByteBuf out) {
        if (codecId == VideoCodecId.ENHANCED || codecId == VideoCodecId.UNKNOWN || frameType == FrameType.UNKNOWN) {
            throw new IllegalStateException("cannot write " + this);
        }
        out.writeByte(frameType.value() << 4 | codecId.value());
        if (codecId == VideoCodecId.AVC) {
            out.writeByte(avcPacketType.value());
            out.writeMedium(compositionTimeMillis);
        }
    }
}
