package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the reader of stored live playlists that a start after a crash trusts ({@link UncleanStopRecovery}): a
 * playlist damaged on disk, or not ours, must give an {@link IllegalArgumentException} (the channel is then left
 * alone) and never another exception or values the catalog would refuse. Plain {@code mvn test} replays the inputs
 * under {@code LivePlaylistTextFuzzTestInputs/} (seeds in the packager's format); fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl server test -Dtest=LivePlaylistTextFuzzTest}.
 */
class LivePlaylistTextFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRefusesWithIllegalArgument(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        LivePlaylistText playlist;
        try {
            playlist = LivePlaylistText.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).hasSizeLessThan(200);
            return;
        }
        assertThat(playlist.mediaSequence()).isNotNegative();
        assertThat(playlist.discontinuitySequence()).isNotNegative();
        assertThat(playlist.nextDiscontinuitySequence()).isGreaterThanOrEqualTo(playlist.discontinuitySequence());
        for (LivePlaylistText.Entry entry : playlist.entries()) {
            assertThat(entry.durationMicros()).isNotNegative();
            assertThat(entry.fileName()).doesNotStartWith("../").isNotEmpty();
        }
    }
}
