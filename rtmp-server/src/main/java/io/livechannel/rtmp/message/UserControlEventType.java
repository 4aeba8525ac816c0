package io.livechannel.rtmp.message;

/**
 * User Control event types (RTMP spec §7.1.7). Undocumented events (librtmp and Flash send several) map to
 * {@link #UNKNOWN} and are ignored.
 */
public enum UserControlEventType {
    STREAM_BEGIN(0), STREAM_EOF(1), STREAM_DRY(2), SET_BUFFER_LENGTH(3), STREAM_IS_RECORDED(4), PING_REQUEST(6),
    PING_RESPONSE(7), UNKNOWN(-1);

    private final int id;

    UserControlEventType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static UserControlEventType of(int id) {
        for (UserControlEventType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
