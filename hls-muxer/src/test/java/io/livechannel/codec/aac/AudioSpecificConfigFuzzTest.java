package io.livechannel.codec.aac;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livechannel.codec.MalformedMediaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes {@link AudioSpecificConfig#read}. Properties: only {@link MalformedMediaException} escapes; a config that
 * reads consumes all input, and one that fits the 2-byte form writes out to bytes that read back equal. Plain
 * {@code mvn test} replays {@code AudioSpecificConfigFuzzTestInputs/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl hls-muxer test -Dtest=AudioSpecificConfigFuzzTest}.
 */
class AudioSpecificConfigFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void configReadsOrRefusesWithTypedError(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            AudioSpecificConfig config = AudioSpecificConfig.read(in);
            assertThat(in.isReadable()).isFalse();
            boolean twoByteForm = config.audioObjectType() < 31
                    && SamplingFrequency.indexOf(config.samplingFrequencyHz()) >= 0
                    && config.outputSamplingFrequencyHz() == config.samplingFrequencyHz();
            if (twoByteForm) {
                ByteBuf out = Unpooled.buffer();
                config.writeTo(out);
                assertThat(AudioSpecificConfig.read(out)).isEqualTo(config);
            }
        } catch (MalformedMediaException expected) {
            assertThat(expected.getMessage()).startsWith("AudioSpecificConfig");
        }
    }
}
