package io.livechannel.vod;

import java.util.Objects;

/**
 * A VoD playlist request that cannot be answered because of what the client asked for. Every {@link Reason}
 * is answered with HTTP 400 {@code InvalidArgument} (OSS wire spec §3.8 and §8); {@link #getMessage()} is the
 * client-facing {@code <Message>}, and {@link #argumentName()}/{@link #argumentValue()} fill the
 * {@code <ArgumentName>}/{@code <ArgumentValue>} elements OSS adds to InvalidArgument errors.
 *
 * <p>Unchecked because {@link TimeRange}'s compact constructor throws it. Programming errors (null arguments,
 * records of another channel) stay {@link IllegalArgumentException}/{@link NullPointerException}.
 */
public final class VodPlaylistException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Longest echo of a client value in a message, so a hostile query string cannot grow the error body. */
    static final int MAX_ECHOED_CHARS = 64;

    /** Why the request was refused; all answered as 400 InvalidArgument. */
    public enum Reason {
        /** startTime or endTime is absent from the query string. */
        MISSING_TIME,
        /** startTime or endTime is not a decimal integer. */
        TIME_NOT_A_NUMBER,
        /** startTime or endTime is negative or past {@link TimeRange#MAX_EPOCH_SECONDS}. */
        TIME_OUT_OF_RANGE,
        /** endTime is not later than startTime. */
        END_NOT_AFTER_START,
        /** endTime - startTime is one day or more. */
        SPAN_TOO_LONG,
        /** The playlist object name does not end in {@code .m3u8}, is empty before it, or contains {@code /}. */
        INVALID_PLAYLIST_NAME,
        /** No stored segment of the channel starts in the range (or all of them were deleted). */
        NO_SEGMENTS,
        /** More segments start in the range than {@link VodPlaylistBuilder#MAX_SEGMENTS}. */
        TOO_MANY_SEGMENTS
    }

    private final Reason reason;
    private final String argumentName;
    private final String argumentValue;

    public VodPlaylistException(Reason reason, String argumentName, String argumentValue, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.argumentName = Objects.requireNonNull(argumentName, "argumentName");
        this.argumentValue = echo(Objects.requireNonNull(argumentValue, "argumentValue"));
    }

    public Reason reason() {
        return reason;
    }

    /** The query parameter or path part at fault: {@code startTime}, {@code endTime} or {@code playlistName}. */
    public String argumentName() {
        return argumentName;
    }

    /** The offending value as the client sent it, cut to {@value #MAX_ECHOED_CHARS} characters. */
    public String argumentValue() {
        return argumentValue;
    }

    /** A client value made safe to put in an error message: cut to {@value #MAX_ECHOED_CHARS} characters. */
    static String echo(String value) {
        return value.length() <= MAX_ECHOED_CHARS ? value : value.substring(0, MAX_ECHOED_CHARS) + "...";
    }
}
