package io.livechannel.codec.h264;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes {@link AvcDecoderConfigurationRecord#read} (and through it {@link Sps#parse}). Properties: only
 * {@link MalformedMediaException} escapes; a record that reads consumes all input, has a positive picture size,
 * and writes out to bytes that read back equal. Plain {@code mvn test} replays
 * {@code AvcDecoderConfigurationRecordFuzzTestInputs/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl hls-muxer test -Dtest=AvcDecoderConfigurationRecordFuzzTest}.
 */
class AvcDecoderConfigurationRecordFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void recordReadsOrRefusesWithTypedError(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord.read(in);
            assertThat(in.isReadable()).isFalse();
            assertThat(record.sps().width()).isPositive();
            assertThat(record.sps().height()).isPositive();
            ByteBuf out = Unpooled.buffer();
            record.writeTo(out);
            assertThat(AvcDecoderConfigurationRecord.read(out)).isEqualTo(record);
        } catch (MalformedMediaException expected) {
            assertThat(expected.getMessage()).matches(m -> m.contains("AVCDecoderConfigurationRecord")
                    || m.contains("SPS"), "names the record or its SPS");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void spsParsesOrRefusesWithTypedError(byte[] input) {
        try {
            Sps sps = Sps.parse(input);
            assertThat(sps.width()).isPositive();
            assertThat(sps.height()).isPositive();
        } catch (MalformedMediaException expected) {
            assertThat(expected.getMessage()).contains("SPS");
        }
    }
}
