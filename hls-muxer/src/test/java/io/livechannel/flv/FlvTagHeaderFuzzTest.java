package io.livechannel.flv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes the FLV tag header readers. Properties: only {@link MalformedMediaException} escapes; the reader consumes
 * exactly {@code encodedLength()} bytes; what decodes (except Enhanced RTMP and unknown types, which we never
 * write) re-encodes to the bytes it came from. Plain {@code mvn test} replays {@code FlvTagHeaderFuzzTestInputs/};
 * fuzz with {@code JAZZER_FUZZ=1 ./mvnw -pl hls-muxer test -Dtest=FlvTagHeaderFuzzTest}.
 */
class FlvTagHeaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void videoTagHeaderReadsOrRefusesWithTypedError(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            VideoTagHeader header = VideoTagHeader.read(in);
            if (header.codecId() == VideoCodecId.ENHANCED) {
                assertThat(in.readerIndex()).isEqualTo(1);
                return;
            }
            assertThat(in.readerIndex()).isEqualTo(header.encodedLength());
            if (header.codecId() != VideoCodecId.UNKNOWN && header.frameType() != FrameType.UNKNOWN) {
                ByteBuf out = Unpooled.buffer();
                header.writeTo(out);
                assertThat(VideoTagHeader.read(out)).isEqualTo(header);
            }
        } catch (MalformedMediaException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void audioTagHeaderReadsOrRefusesWithTypedError(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            AudioTagHeader header = AudioTagHeader.read(in);
            assertThat(in.readerIndex()).isEqualTo(header.encodedLength());
            ByteBuf out = Unpooled.buffer();
            header.writeTo(out);
            assertThat(out.array()).startsWith(java.util.Arrays.copyOf(input, header.encodedLength()));
        } catch (MalformedMediaException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
