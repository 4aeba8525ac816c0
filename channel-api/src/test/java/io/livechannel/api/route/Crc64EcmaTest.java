package io.livechannel.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Check values of wire spec §1.3 / §10 vector 11, computed with the Java SDK's CRC64. */
class Crc64EcmaTest {
    @Test
    void matchesTheSdkCheckValues() {
        assertThat(Crc64Ecma.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo("11051210869376104954");
        assertThat(Crc64Ecma.of("hello-world".getBytes(StandardCharsets.US_ASCII))).isEqualTo("1142688797452515259");
        assertThat(Crc64Ecma.of(new byte[0])).isEqualTo("0");
    }
}
