package io.livechannel.vod;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the two parsers of client input in this package: the {@code startTime}/{@code endTime} query values
 * and the PostVodPlaylist object key. Properties: only {@link VodPlaylistException} escapes; what parses is a
 * valid value that parses again to itself from its canonical form; error texts stay bounded whatever the input.
 * Plain {@code mvn test} replays the checked-in inputs under {@code VodRequestFuzzTestInputs/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl vod-playlist test -Dtest=VodRequestFuzzTest}.
 */
class VodRequestFuzzTest {
    /** An error message holds two echoed values plus fixed text. */
    private static final int MAX_MESSAGE_CHARS = 2 * (VodPlaylistException.MAX_ECHOED_CHARS + 3) + 200;

    @FuzzTest(maxDuration = "30s")
    void timeRangeParsesOrRefusesWithATypedError(FuzzedDataProvider data) {
        String start = data.consumeBoolean() ? null : data.consumeString(40);
        String end = data.consumeBoolean() ? null : data.consumeRemainingAsString();
        try {
            TimeRange range = TimeRange.parse(start, end);
            assertThat(range.endTimeSeconds()).isGreaterThan(range.startTimeSeconds());
            assertThat(range.endTimeSeconds() - range.startTimeSeconds()).isLessThan(TimeRange.MAX_SPAN_SECONDS);
            assertThat(TimeRange.parse(Long.toString(range.startTimeSeconds()), Long.toString(range.endTimeSeconds())))
                    .isEqualTo(range);
        } catch (VodPlaylistException e) {
            assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS);
            assertThat(e.argumentValue()).hasSizeLessThanOrEqualTo(VodPlaylistException.MAX_ECHOED_CHARS + 3);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void playlistKeyParsesOrRefusesWithATypedError(FuzzedDataProvider data) {
        String objectKey = data.consumeRemainingAsString();
        try {
            VodPlaylistKey key = VodPlaylistKey.parse(objectKey);
            assertThat(key.playlistName()).endsWith(".m3u8").doesNotContain("/");
            assertThat(key.objectKey()).isEqualTo(objectKey);
            assertThat(VodPlaylistKey.parse(key.objectKey())).isEqualTo(key);
        } catch (VodPlaylistException e) {
            assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS);
        }
    }
}
