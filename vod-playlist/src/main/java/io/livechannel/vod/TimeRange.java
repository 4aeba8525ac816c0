package io.livechannel.vod;

import io.livechannel.vod.VodPlaylistException.Reason;

/**
 * The {@code startTime}/{@code endTime} of a PostVodPlaylist or GetVodPlaylist request, in Unix seconds (OSS wire
 * spec §3.8, §3.9). An instance always satisfies {@code 0 <= startTime < endTime <= MAX_EPOCH_SECONDS} and
 * {@code endTime - startTime < MAX_SPAN_SECONDS}; otherwise construction throws {@link VodPlaylistException},
 * which the API answers with 400 InvalidArgument.
 *
 * <p>A segment belongs to the range when its start time, truncated to whole seconds, lies in
 * {@code [startTime, endTime]}: both ends are inclusive and the end second is covered entirely, so in
 * milliseconds the range is {@code [fromMillis(), toMillis()]} = {@code [startTime * 1000, endTime * 1000 + 999]}.
 * The request only has second resolution, and a segment starting at 12:00:00.400 was "generated at 12:00:00".
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>limit</th><th>value</th><th>why</th></tr>
 *   <tr><td>{@link #MAX_SPAN_SECONDS}</td><td>{@value #MAX_SPAN_SECONDS}</td>
 *       <td>the spec: "the span shorter than one day" (exclusive)</td></tr>
 *   <tr><td>{@link #MAX_EPOCH_SECONDS}</td><td>{@value #MAX_EPOCH_SECONDS}</td>
 *       <td>9999-12-31T23:59:59Z; keeps {@code * 1000} far from overflow</td></tr>
 * </table>
 *
 * @param startTimeSeconds the {@code startTime} query parameter, Unix seconds, inclusive
 * @param endTimeSeconds the {@code endTime} query parameter, Unix seconds, inclusive
 */
public record TimeRange(long startTimeSeconds, long endTimeSeconds) {
    /** The span must be strictly shorter than one day (livechannel spec, OSS wire spec §3.8). */
    public static final long MAX_SPAN_SECONDS = 86_400;
    /** 9999-12-31T23:59:59Z, the last second an ISO 8601 date with a four-digit year can show. */
    public static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    static final String START_TIME = "startTime";
    static final String END_TIME = "endTime";

    public TimeRange {
        checkEpoch(START_TIME, startTimeSeconds);
        checkEpoch(END_TIME, endTimeSeconds);
        if (endTimeSeconds <= startTimeSeconds) {
            throw new VodPlaylistException(Reason.END_NOT_AFTER_START, END_TIME, Long.toString(endTimeSeconds),
                    "endTime " + endTimeSeconds + " must be later than startTime " + startTimeSeconds);
        }
        if (endTimeSeconds - startTimeSeconds >= MAX_SPAN_SECONDS) {
            throw new VodPlaylistException(Reason.SPAN_TOO_LONG, END_TIME, Long.toString(endTimeSeconds),
                    "the span from startTime " + startTimeSeconds + " to endTime " + endTimeSeconds + " is "
                            + (endTimeSeconds - startTimeSeconds) + " seconds; it must be shorter than one day ("
                            + MAX_SPAN_SECONDS + " seconds)");
        }
    }

    /**
     * Parses the raw query-parameter values.
     *
     * @param startTime the {@code startTime} value, or null when the parameter is absent
     * @param endTime the {@code endTime} value, or null when the parameter is absent
     * @throws VodPlaylistException when a value is absent, not a decimal integer, out of range, or the pair is
     *         not a valid range
     */
    public static TimeRange parse(String startTime, String endTime) {
        return new TimeRange(parseSeconds(START_TIME, startTime), parseSeconds(END_TIME, endTime));
    }

    /** First millisecond of the range: {@code startTime * 1000}. */
    public long fromMillis() {
        return startTimeSeconds * 1000;
    }

    /** Last millisecond of the range, inclusive: {@code endTime * 1000 + 999}. */
    public long toMillis() {
        return endTimeSeconds * 1000 + 999;
    }

    /** Whether a segment starting at {@code startTimeMillis} (epoch ms) belongs to this range. */
    public boolean contains(long startTimeMillis) {
        return startTimeMillis >= fromMillis() && startTimeMillis <= toMillis();
    }

    private static long parseSeconds(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new VodPlaylistException(Reason.MISSING_TIME, name, "",
                    "the " + name + " parameter is required (Unix time in seconds)");
        }
        // Digits only, at most 19 of them: Long.parseLong would also take "+5", and we echo nothing unbounded.
        boolean digits = value.length() <= 19;
        int first = value.charAt(0) == '-' ? 1 : 0;
        for (int i = first; digits && i < value.length(); i++) {
            digits = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        if (!digits || first == value.length()) {
            throw new VodPlaylistException(Reason.TIME_NOT_A_NUMBER, name, value, "the " + name + " parameter '"
                    + VodPlaylistException.echo(value) + "' is not a Unix time in whole seconds");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            // 19 digits above Long.MAX_VALUE: far outside any valid time.
            throw new VodPlaylistException(Reason.TIME_OUT_OF_RANGE, name, value, "the " + name + " parameter "
                    + value + " is outside 0.." + MAX_EPOCH_SECONDS);
        }
    }

    private static void checkEpoch(String name, long seconds) {
        if (seconds < 0 || seconds > MAX_EPOCH_SECONDS) {
            throw new VodPlaylistException(Reason.TIME_OUT_OF_RANGE, name, Long.toString(seconds),
                    "the " + name + " parameter " + seconds + " is outside 0.." + MAX_EPOCH_SECONDS);
        }
    }
}
