package io.livechannel.rtmp.chunk;

/**
 * RTMP message type ids (RTMP spec §5.4, §6.2, §7.1). Unknown ids map to {@link #UNKNOWN}: the session skips such
 * messages (encoders send shared-object and other types we have no use for), so {@link #of} never throws.
 */
public enum MessageType {
    SET_CHUNK_SIZE(1), ABORT(2), ACKNOWLEDGEMENT(3), USER_CONTROL(4), WINDOW_ACKNOWLEDGEMENT_SIZE(5),
    SET_PEER_BANDWIDTH(6), AUDIO(8), VIDEO(9), DATA_AMF3(15), COMMAND_AMF3(17), DATA_AMF0(18), COMMAND_AMF0(20),
    AGGREGATE(22), UNKNOWN(-1);

    private static final MessageType[] BY_ID = new MessageType[256];

    static {
        for (MessageType t : values()) {
            if (t.id >= 0) {
                BY_ID[t.id] = t;
            }
        }
    }

    private final int id;

    MessageType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static MessageType of(int id) {
        MessageType t = id >= 0 && id < 256 ? BY_ID[id] : null;
        return t != null ? t : UNKNOWN;
    }
}
