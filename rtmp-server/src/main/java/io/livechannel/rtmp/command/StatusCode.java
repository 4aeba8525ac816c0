package io.livechannel.rtmp.command;

/**
 * The {@code code} values of the {@code onStatus} and {@code _result}/{@code _error} info objects we send
 * (RTMP spec §7.2.1.1, §7.2.2.6; the names are the Flash NetConnection/NetStream status codes encoders print).
 */
public enum StatusCode {
    /** {@code _result} of {@code connect}. */
    CONNECT_SUCCESS("NetConnection.Connect.Success", "status"),
    /** {@code _error} of {@code connect}: the application is not {@code live} or {@code <bucket>/live}. */
    CONNECT_REJECTED("NetConnection.Connect.Rejected", "error"),
    /** {@code onStatus} after an admitted {@code publish}. */
    PUBLISH_START("NetStream.Publish.Start", "status"),
    /** Refused: malformed push URL, unknown channel, or the channel already has a live publisher. */
    PUBLISH_BAD_NAME("NetStream.Publish.BadName", "error"),
    /**
     * Refused or stopped: bad or missing signature, expired URL, unknown key, disabled channel, a non-H.264
     * video codec, or the channel was disabled while live.
     */
    PUBLISH_DENIED("NetStream.Publish.Denied", "error"),
    /** {@code onStatus} answering {@code FCUnpublish}/{@code deleteStream}: the publish ended normally. */
    UNPUBLISH_SUCCESS("NetStream.Unpublish.Success", "status");

    private final String code;
    private final String level;

    StatusCode(String code, String level) {
        this.code = code;
        this.level = level;
    }

    /** The wire value, for example {@code NetStream.Publish.BadName}. */
    public String code() {
        return code;
    }

    /** The info object's {@code level}: {@code status} or {@code error}. */
    public String level() {
        return level;
    }

    public boolean isError() {
        return level.equals("error");
    }
}
