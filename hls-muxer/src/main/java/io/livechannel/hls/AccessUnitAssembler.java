package io.livechannel.hls;

import io.livechannel.codec.h264.AvcDecoderConfigurationRecord;
import io.livechannel.codec.h264.NalUnits;
import io.livechannel.ts.PesPayload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Lays out one H.264 access unit in Annex B form as a gather list over the RTMP message, without copying it:
 * access unit delimiter, then (before an IDR without in-band SPS) the SPS and PPS of the sequence header, then each
 * NAL unit after a 4-byte start code. The AUD comes first because iOS and video.js need it (mediacommon's writer
 * says so too); SPS/PPS before every IDR make each segment decodable on its own (research §0.9).
 *
 * <p>Reused for every frame of one packager; not thread-safe.
 */
final class AccessUnitAssembler implements NalUnits.Sink {
    /**
     * Start code + AUD (primary_pic_type 7: any slice type, then the stop bit), then a bare start code. Only ever
     * read through absolute indexes, so sharing it between threads is safe; a heap buffer (not {@code asReadOnly()})
     * keeps the copy into TS packets on Netty's array fast path.
     */
    private static final ByteBuf CONSTANTS = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
            new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0, 0, 0, 0, 1}));
    private static final int AUD_INDEX = 0;
    private static final int AUD_LENGTH = 6;
    private static final int START_CODE_INDEX = 6;
    private static final int START_CODE_LENGTH = 4;

    private final PesPayload payload = new PesPayload();
    private AvcDecoderConfigurationRecord parameterSetsOf;
    private ByteBuf parameterSets;

    /**
     * The payload for {@code avcc} (which passed {@link NalUnits#scan}). Valid until the next call; references
     * {@code avcc} without retaining it.
     */
    PesPayload assemble(ByteBuf avcc, AvcDecoderConfigurationRecord config, boolean prependParameterSets) {
        payload.clear().add(CONSTANTS, AUD_INDEX, AUD_LENGTH);
        if (prependParameterSets) {
            payload.add(parameterSets(config));
        }
        NalUnits.forEach(avcc, config.nalUnitLengthSize(), this);
        return payload;
    }

    @Override
    public void nalUnit(ByteBuf buffer, int index, int length) {
        payload.add(CONSTANTS, START_CODE_INDEX, START_CODE_LENGTH).add(buffer, index, length);
    }

    /** Drops references to the last frame's buffers. */
    void clear() {
        payload.clear();
    }

    /** Annex B SPS+PPS of {@code config}, built once per sequence header (an unpooled heap buffer). */
    private ByteBuf parameterSets(AvcDecoderConfigurationRecord config) {
        if (config != parameterSetsOf) {
            ByteBuf bytes = Unpooled.buffer(config.parameterSetsAnnexBLength());
            config.writeParameterSetsAnnexB(bytes);
            parameterSets = bytes;
            parameterSetsOf = config;
        }
        return parameterSets;
    }
}
