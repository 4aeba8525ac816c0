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

class VideoTagHeaderTest {
    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments("ffmpeg AVC sequence header",
                        "17" + "00" + "000000", // key frame, AVC; sequence header; CTS 0
                        new VideoTagHeader(FrameType.KEY, VideoCodecId.AVC, AvcPacketType.SEQUENCE_HEADER, 0)),
                arguments("ffmpeg B-frame reference, CTS +160 ms",
                        "27" + "01" + "0000a0", // inter frame, AVC; NALU; CTS 160
                        new VideoTagHeader(FrameType.INTER, VideoCodecId.AVC, AvcPacketType.NALU, 160)),
                arguments("negative CTS is sign-extended",
                        "27" + "01" + "ffffd8", // inter frame, AVC; NALU; CTS -40
                        new VideoTagHeader(FrameType.INTER, VideoCodecId.AVC, AvcPacketType.NALU, -40)),
                arguments("end of sequence",
                        "17" + "02" + "000000", // key frame, AVC; end of sequence
                        new VideoTagHeader(FrameType.KEY, VideoCodecId.AVC, AvcPacketType.END_OF_SEQUENCE, 0)),
                arguments("VP6 has a one-byte header",
                        "14", // key frame, VP6
                        new VideoTagHeader(FrameType.KEY, VideoCodecId.VP6, AvcPacketType.NONE, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodes(String name, String hex, VideoTagHeader expected) {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex + "cafe"));

        assertThat(VideoTagHeader.read(in)).isEqualTo(expected);
        assertThat(ByteBufUtil.hexDump(in)).as("reader index left at the payload").isEqualTo("cafe");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesToSameBytes(String name, String hex, VideoTagHeader header) {
        ByteBuf out = Unpooled.buffer();

        header.writeTo(out);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
        assertThat(header.encodedLength()).isEqualTo(hex.length() / 2);
    }

    @Test
    void reportsEnhancedRtmpHeaderWithoutParsingFourCc() {
        // ExHeader bit, frame type 1, PacketType 1 (CodedFrames), FourCC "hvc1"
        VideoTagHeader header = VideoTagHeader.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("9168766331")));

        assertThat(header.codecId()).isEqualTo(VideoCodecId.ENHANCED);
        assertThat(header.frameType()).isEqualTo(FrameType.KEY);
    }

    @Test
    void everyTruncatedAvcHeaderIsMalformed() {
        byte[] full = HexFormat.of().parseHex("270100" + "00a0");
        for (int length = 0; length < full.length; length++) {
            ByteBuf in = Unpooled.wrappedBuffer(full, 0, length);
            assertThatThrownBy(() -> VideoTagHeader.read(in))
                    .as("header cut to %d bytes", length)
                    .isInstanceOf(MalformedMediaException.class);
        }
    }

    @Test
    void rejectsUnknownAvcPacketType() {
        assertThatThrownBy(() -> VideoTagHeader.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex("1703000000"))))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("AVCPacketType 3 is not 0, 1 or 2");
    }
}
