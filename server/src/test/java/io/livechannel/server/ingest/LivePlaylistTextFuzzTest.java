package io.livechannel.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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

    /** The fuzzer's finding: BigDecimal took the short "1e100000079" and spent minutes moving its point. */
    @Test
    void aDurationWithAHugeExponentIsRefusedAtOnce() {
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> LivePlaylistText.parse("#EXTM3U\n#EXTINF:1e100000079,\nseg.ts\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad duration");
        assertThat(LivePlaylistText.parse("#EXTM3U\n#EXTINF:2.000,\nseg.ts\n#EXTINF:1e2,\nnext.ts\n").entries())
                .extracting(LivePlaylistText.Entry::durationMicros).containsExactly(2_000_000L, 100_000_000L);
    }
}
