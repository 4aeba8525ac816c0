package io.livechannel.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AudioTagHeaderTest {
    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments("ffmpeg AAC sequence header",
                        "af" + "00", // AAC, 44 kHz, 16 bit, stereo; sequence header
                        new AudioTagHeader(SoundFormat.AAC, 44100, true, true, AacPacketType.SEQUENCE_HEADER)),
                arguments("ffmpeg AAC raw frame",
                        "af" + "01", // AAC, 44 kHz, 16 bit, stereo; raw
                        new AudioTagHeader(SoundFormat.AAC, 44100, true, true, AacPacketType.RAW)),
                arguments("MP3 has a one-byte header",
                        "2e", // MP3, 44 kHz, 16 bit, mono
                        new AudioTagHeader(SoundFormat.MP3, 44100, true, false, AacPacketType.NONE)),
                arguments("Speex",
                        "b2", // Speex, 5.5 kHz, 16 bit, mono
                        new AudioTagHeader(SoundFormat.SPEEX, 5512, true, false, AacPacketType.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodes(String name, String hex, AudioTagHeader expected) {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex + "1208"));

        assertThat(AudioTagHeader.read(in)).isEqualTo(expected);
        assertThat(ByteBufUtil.hexDump(in)).as("reader index left at the payload").isEqualTo("1208");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesToSameBytes(String name, String hex, AudioTagHeader header) {
        ByteBuf out = Unpooled.buffer();

        header.writeTo(out);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
        assertThat(header.encodedLength()).isEqualTo(hex.length() / 2);
    }

    @Test
    void rejectsEmptyBody() {
        assertThatThrownBy(() -> AudioTagHeader.read(Unpooled.EMPTY_BUFFER))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("audio tag body is empty");
    }

    @Test
    void rejectsAacBodyWithoutPacketType() {
        assertThatThrownBy(() -> AudioTagHeader.read(Unpooled.wrappedBuffer(new byte[] {(byte) 0xaf})))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AAC audio tag header truncated: no AACPacketType byte");
    }

    @Test
    void rejectsUnknownAacPacketType() {
        assertThatThrownBy(() -> AudioTagHeader.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("af02"))))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AACPacketType 2 is not 0 or 1");
    }
}
