package io.livechannel.rtmp.message;

import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.chunk.MessageType;
import java.util.List;

/**
 * A data message (RTMP spec §7.1.2, type 18, or 15 with the AMF3 envelope), such as
 * {@code @setDataFrame, onMetaData, {...}}.
 */
public record DataMessage(int messageStreamId, long timestamp, List<AmfValue> values) implements RtmpMessage {
    public DataMessage {
        values = List.copyOf(values);
    }

    @Override
    public MessageType type() {
        return MessageType.DATA_AMF0;
    }
}
