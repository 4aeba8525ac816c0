package io.livechannel.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {
    @Test
    void readsFfmpegAacLcMonoConfigWithSbrSyncExtension() {
        // ffmpeg 5.1 -c:a aac, 44.1 kHz mono, from its FLV AAC sequence header
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "1208" // AOT 2 (00010), sf index 4 (0100) = 44100, channels 1 (0001), GA: frameLength 0
                + "56e500")); // sync extension 0x2b7, AOT 5, sbrPresentFlag 0

        AudioSpecificConfig config = AudioSpecificConfig.read(in);

        assertThat(in.isReadable()).isFalse();
        assertThat(config.objectType()).isEqualTo(AudioObjectType.AAC_LC);
        assertThat(config.samplingFrequencyHz()).isEqualTo(44100);
        assertThat(config.outputSamplingFrequencyHz()).isEqualTo(44100);
        assertThat(config.channelConfiguration()).isEqualTo(1);
        assertThat(config.samplesPerFrame()).isEqualTo(1024);
        assertThat(config.isAdtsCompatible()).isTrue();
    }

    @Test
    void readsExplicitHeAacAsLcCoreWithDoubledOutputRate() {
        // hand-built from ISO/IEC 14496-3 §1.6.2.1: AOT 5 (00101), sf index 6 = 24000 (0110), channels 2 (0010),
        // extensionSamplingFrequencyIndex 3 = 48000 (0011), AOT 2 (00010), frameLengthFlag 0
        AudioSpecificConfig config = AudioSpecificConfig.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("2b1188")));

        assertThat(config.objectType()).isEqualTo(AudioObjectType.AAC_LC);
        assertThat(config.samplingFrequencyHz()).isEqualTo(24000);
        assertThat(config.outputSamplingFrequencyHz()).isEqualTo(48000);
        assertThat(config.channelConfiguration()).isEqualTo(2);
    }

    @Test
    void readsExplicitFrequencyAndFrameLengthFlag() {
        // AOT 2, sf index 15 + 24-bit 0x00ac44 (44100), channels 2, frameLengthFlag 1 (960 samples)
        // 00010 1111 000000001010110001000100 0010 1 -> 0x17 0x80 0x56 0x22 0x14
        AudioSpecificConfig config = AudioSpecificConfig.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "1780562214")));

        assertThat(config.samplingFrequencyHz()).isEqualTo(44100);
        assertThat(config.channelConfiguration()).isEqualTo(2);
        assertThat(config.samplesPerFrame()).isEqualTo(960);
    }

    @Test
    void twoByteConfigRoundTrips() {
        byte[] bytes = HexFormat.of().parseHex("1190"); // AOT 2, sf index 3 = 48000, channels 2
        AudioSpecificConfig config = AudioSpecificConfig.read(Unpooled.wrappedBuffer(bytes));
        ByteBuf out = Unpooled.buffer();

        config.writeTo(out);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("1190");
        assertThat(config.samplingFrequencyHz()).isEqualTo(48000);
    }

    @Test
    void rejectsConfigShorterThanTwoBytes() {
        assertThatThrownBy(() -> AudioSpecificConfig.read(Unpooled.wrappedBuffer(new byte[] {0x12})))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AudioSpecificConfig too short: 1 bytes, needs at least 2");
    }

    @Test
    void rejectsReservedFrequencyIndex() {
        // AOT 2, sf index 13 (reserved)
        assertThatThrownBy(() -> AudioSpecificConfig.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("1688"))))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AudioSpecificConfig samplingFrequencyIndex 13 is reserved");
    }

    @Test
    void rejectsTruncatedExplicitFrequency() {
        assertThatThrownBy(() -> AudioSpecificConfig.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("1780"))))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageStartingWith("AudioSpecificConfig truncated reading samplingFrequency");
    }
}
