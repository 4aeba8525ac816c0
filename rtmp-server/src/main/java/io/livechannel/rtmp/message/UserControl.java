package io.livechannel.rtmp.message;

import io.livechannel.rtmp.chunk.MessageType;
import java.util.Objects;

/**
 * User Control message (RTMP spec §6.2 and §7.1.7, type 4).
 *
 * @param eventType the event
 * @param value the first 4-byte field: the stream id, or the timestamp of a ping
 * @param bufferLengthMillis the second field of Set Buffer Length, else 0
 */
public record UserControl(UserControlEventType eventType, long value, long bufferLengthMillis) implements RtmpMessage {
    public UserControl {
        Objects.requireNonNull(eventType, "eventType");
    }

    public static UserControl streamBegin(int messageStreamId) {
        return new UserControl(UserControlEventType.STREAM_BEGIN, messageStreamId, 0);
    }

    @Override
    public MessageType type() {
        return MessageType.USER_CONTROL;
    }
}
