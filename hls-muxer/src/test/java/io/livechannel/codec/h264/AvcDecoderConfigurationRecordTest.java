package io.livechannel.codec.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AvcDecoderConfigurationRecordTest {
    /** Body of the AVC sequence header ffmpeg 5.1 wrote to FLV (libx264 High, 320x180), after the 5-byte tag header. */
    static final byte[] FFMPEG_HIGH_RECORD = HexFormat.of().parseHex(
            "01" // configurationVersion 1
            + "64" // AVCProfileIndication 100
            + "00" // profile_compatibility
            + "0c" // AVCLevelIndication 12
            + "ff" // reserved 111111, lengthSizeMinusOne 3
            + "e1" // reserved 111, numOfSequenceParameterSets 1
            + "001a" // sequenceParameterSetLength 26
            + "6764000cacd941419f9f011000000300100000030320f1429960" // SPS
            + "01" // numOfPictureParameterSets 1
            + "0006" // pictureParameterSetLength 6
            + "68ebe3cb22c0" // PPS
            + "fdf8f800"); // High profile extension: chroma_format 1, bit depths 8, 0 SPS ext

    @Test
    void readsFfmpegSequenceHeader() {
        ByteBuf in = Unpooled.wrappedBuffer(FFMPEG_HIGH_RECORD);

        AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.read(in);

        assertThat(in.isReadable()).isFalse();
        assertThat(record.profileIndication()).isEqualTo(100);
        assertThat(record.levelIndication()).isEqualTo(12);
        assertThat(record.nalUnitLengthSize()).isEqualTo(4);
        assertThat(record.sequenceParameterSets()).hasSize(1);
        assertThat(record.sequenceParameterSets().get(0)).isEqualTo(SpsTest.HIGH_320X180_25FPS);
        assertThat(record.pictureParameterSets().get(0)).isEqualTo(HexFormat.of().parseHex("68ebe3cb22c0"));
        assertThat(record.sps().width()).isEqualTo(320);
        assertThat(record.sps().height()).isEqualTo(180);
    }

    @Test
    void writtenRecordReadsBackEqual() {
        AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.read(
                Unpooled.wrappedBuffer(FFMPEG_HIGH_RECORD));
        ByteBuf out = Unpooled.buffer();

        record.writeTo(out);

        assertThat(ByteBufHex.of(out)).isEqualTo(HexFormat.of().formatHex(FFMPEG_HIGH_RECORD, 0, 43));
        assertThat(AvcDecoderConfigurationRecord.read(out)).isEqualTo(record);
    }

    @Test
    void writesParameterSetsWithStartCodes() {
        AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.read(
                Unpooled.wrappedBuffer(FFMPEG_HIGH_RECORD));
        ByteBuf out = Unpooled.buffer();

        record.writeParameterSetsAnnexB(out);

        assertThat(out.readableBytes()).isEqualTo(record.parameterSetsAnnexBLength());
        assertThat(ByteBufHex.of(out)).isEqualTo("00000001" + "6764000cacd941419f9f011000000300100000030320f1429960"
                + "00000001" + "68ebe3cb22c0");
    }

    @Test
    void everyTruncationBeforeThePpsEndsIsMalformed() {
        for (int length = 0; length < 43; length++) {
            ByteBuf in = Unpooled.wrappedBuffer(FFMPEG_HIGH_RECORD, 0, length);
            assertThatThrownBy(() -> AvcDecoderConfigurationRecord.read(in))
                    .as("record cut to %d bytes", length)
                    .isInstanceOf(MalformedMediaException.class)
                    .hasMessageContaining("AVCDecoderConfigurationRecord");
        }
    }

    @Test
    void rejectsRecordWithoutPictureParameterSet() {
        byte[] noPps = HexFormat.of().parseHex("016400 0cffe1001a6764000cacd941419f9f011000000300100000030320f1429960 00"
                .replace(" ", ""));

        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.read(Unpooled.wrappedBuffer(noPps)))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AVCDecoderConfigurationRecord holds 1 SPS and 0 PPS; needs at least one of each");
    }

    @Test
    void rejectsUnknownConfigurationVersion() {
        byte[] bad = FFMPEG_HIGH_RECORD.clone();
        bad[0] = 2;

        assertThatThrownBy(() -> AvcDecoderConfigurationRecord.read(Unpooled.wrappedBuffer(bad)))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AVCDecoderConfigurationRecord configurationVersion 2, expected 1");
    }
}
