package io.livechannel.vod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.livechannel.vod.VodPlaylistException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TimeRangeTest {
    // 2016-08-24T06:27:11Z / 06:30:26Z: the times of the OSS doc's PostVodPlaylist example (wire spec §3.8).
    private static final long DOC_START = 1472020031L;
    private static final long DOC_END = 1472020226L;

    @Test
    void parsesTheDocumentationExample() {
        TimeRange range = TimeRange.parse("1472020031", "1472020226");

        assertThat(range).isEqualTo(new TimeRange(DOC_START, DOC_END));
        assertThat(range.fromMillis()).isEqualTo(1472020031_000L);
        assertThat(range.toMillis()).isEqualTo(1472020226_999L);
    }

    @Test
    void coversTheWholeEndSecondAndNothingBeforeTheStartSecond() {
        TimeRange range = new TimeRange(100, 200);

        assertThat(range.contains(99_999)).isFalse();
        assertThat(range.contains(100_000)).isTrue();
        assertThat(range.contains(200_000)).isTrue();
        assertThat(range.contains(200_999)).isTrue();
        assertThat(range.contains(201_000)).isFalse();
    }

    @Test
    void acceptsOneSecondAndOneDayMinusOneSecond() {
        assertThat(new TimeRange(100, 101).endTimeSeconds()).isEqualTo(101);
        assertThat(new TimeRange(100, 100 + 86_399).endTimeSeconds()).isEqualTo(86_499);
    }

    @Test
    void rejectsASpanOfExactlyOneDay() {
        VodPlaylistException e = refusal(() -> new TimeRange(DOC_START, DOC_START + 86_400));

        assertThat(e.reason()).isEqualTo(Reason.SPAN_TOO_LONG);
        assertThat(e.argumentName()).isEqualTo("endTime");
        assertThat(e.argumentValue()).isEqualTo(Long.toString(DOC_START + 86_400));
        assertThat(e).hasMessage("the span from startTime 1472020031 to endTime 1472106431 is 86400 seconds;"
                + " it must be shorter than one day (86400 seconds)");
    }

    @Test
    void rejectsEndEqualToStart() {
        VodPlaylistException e = refusal(() -> TimeRange.parse("1472020031", "1472020031"));

        assertThat(e.reason()).isEqualTo(Reason.END_NOT_AFTER_START);
        assertThat(e).hasMessage("endTime 1472020031 must be later than startTime 1472020031");
    }

    @Test
    void rejectsEndBeforeStart() {
        assertThat(refusal(() -> new TimeRange(DOC_END, DOC_START)).reason()).isEqualTo(Reason.END_NOT_AFTER_START);
    }

    @Test
    void rejectsTheZeroDefaultsOfThePythonSdk() {
        // oss2 sends start_time=0, end_time=0 when the caller gives none (wire spec §3.8).
        assertThat(refusal(() -> TimeRange.parse("0", "0")).reason()).isEqualTo(Reason.END_NOT_AFTER_START);
    }

    @Test
    void rejectsNegativeStart() {
        VodPlaylistException e = refusal(() -> TimeRange.parse("-5", "10"));

        assertThat(e.reason()).isEqualTo(Reason.TIME_OUT_OF_RANGE);
        assertThat(e.argumentName()).isEqualTo("startTime");
        assertThat(e).hasMessage("the startTime parameter -5 is outside 0..253402300799");
    }

    @Test
    void acceptsTheLastSecondOfYear9999AndRejectsTheNext() {
        long max = TimeRange.MAX_EPOCH_SECONDS;
        assertThat(new TimeRange(max - 1, max).toMillis()).isEqualTo(max * 1000 + 999);

        VodPlaylistException e = refusal(() -> new TimeRange(max, max + 1));
        assertThat(e.reason()).isEqualTo(Reason.TIME_OUT_OF_RANGE);
        assertThat(e.argumentName()).isEqualTo("endTime");
    }

    @Test
    void rejectsADigitStringAboveLongMaxAsOutOfRange() {
        VodPlaylistException e = refusal(() -> TimeRange.parse("1", "9999999999999999999"));

        assertThat(e.reason()).isEqualTo(Reason.TIME_OUT_OF_RANGE);
        assertThat(e.argumentValue()).isEqualTo("9999999999999999999");
    }

    @Test
    void rejectsAMissingParameter() {
        VodPlaylistException start = refusal(() -> TimeRange.parse(null, "10"));
        VodPlaylistException end = refusal(() -> TimeRange.parse("1", ""));

        assertThat(start.reason()).isEqualTo(Reason.MISSING_TIME);
        assertThat(start).hasMessage("the startTime parameter is required (Unix time in seconds)");
        assertThat(end.reason()).isEqualTo(Reason.MISSING_TIME);
        assertThat(end.argumentName()).isEqualTo("endTime");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "+5", " 5", "5 ", "-", "1e9", "0x10", "12345678901234567890"})
    void rejectsWhatIsNotAWholeNumberOfSeconds(String value) {
        VodPlaylistException e = refusal(() -> TimeRange.parse(value, "1472020226"));

        assertThat(e.reason()).isEqualTo(Reason.TIME_NOT_A_NUMBER);
        assertThat(e.argumentName()).isEqualTo("startTime");
        assertThat(e.argumentValue()).isEqualTo(value);
        assertThat(e).hasMessage("the startTime parameter '" + value + "' is not a Unix time in whole seconds");
    }

    @Test
    void echoesAtMost64CharactersOfAHostileValue() {
        String hostile = "x".repeat(100_000);

        VodPlaylistException e = refusal(() -> TimeRange.parse("1", hostile));

        assertThat(e.argumentValue()).isEqualTo("x".repeat(64) + "...");
        assertThat(e.getMessage()).hasSizeLessThan(150);
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "1472020031, 1472106430", "253402300798, 253402300799"})
    void validRangesConvertToInclusiveMilliseconds(long start, long end) {
        TimeRange range = new TimeRange(start, end);

        assertThat(range.contains(start * 1000)).isTrue();
        assertThat(range.contains(end * 1000 + 999)).isTrue();
        assertThat(range.contains(start * 1000 - 1)).isFalse();
        assertThat(range.contains(end * 1000 + 1000)).isFalse();
    }

    @Test
    void nullIsNotARangeButABug() {
        assertThatThrownBy(() -> new VodPlaylistException(null, "startTime", "1", "m"))
                .isInstanceOf(NullPointerException.class);
    }

    private static VodPlaylistException refusal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        VodPlaylistException e = catchThrowableOfType(VodPlaylistException.class, call);
        assertThat(e).as("expected a VodPlaylistException").isNotNull();
        return e;
    }
}
