package io.livechannel.rtmp.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Any app, tcUrl and stream name (the input's UTF-8 text split at the first two NUL characters): a valid PushUrl
 * or IllegalArgumentException with a reason. Corpus: {@code PushUrlFuzzTestInputs/}.
 */
class PushUrlFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parsesOrRejects(byte[] data) {
        String[] parts = new String(data, StandardCharsets.UTF_8).split("\0", 3);
        String app = parts[0];
        String tcUrl = parts.length > 1 ? parts[1] : "";
        String name = parts.length > 2 ? parts[2] : "";
        try {
            PushUrl url = PushUrl.parse(app, tcUrl, name, Set.of("live.example.com"));
            assertThat(url.channel()).isNotEmpty().doesNotContain("/");
            assertThat(PushUrl.isPushApp(app)).isTrue();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
