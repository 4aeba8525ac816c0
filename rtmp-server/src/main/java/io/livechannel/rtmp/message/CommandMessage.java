package io.livechannel.rtmp.message;

import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.chunk.MessageType;
import java.util.List;

/**
 * A command message (RTMP spec §7.1.1, type 20 AMF0, or type 17 whose AMF3 envelope wraps AMF0): command name,
 * transaction id, command object, arguments.
 */
public record CommandMessage(int messageStreamId, List<AmfValue> values) implements RtmpMessage {
    public CommandMessage {
        values = List.copyOf(values);
    }

    public static CommandMessage of(int messageStreamId, AmfValue... values) {
        return new CommandMessage(messageStreamId, List.of(values));
    }

    @Override
    public MessageType type() {
        return MessageType.COMMAND_AMF0;
    }
}
