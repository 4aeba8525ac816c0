package io.livechannel.rtmp.command;

import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.RtmpProtocolException.Reason;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfObject;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.message.CommandMessage;
import java.util.List;

/**
 * Reads a {@link CommandMessage} (name, transaction id, command object, arguments; RTMP spec §7.1.1) into a
 * {@link Command}. The only place that compares command names. A missing name is
 * {@link Reason#BAD_COMMAND}; missing optional arguments read as empty strings or 0, since encoders differ
 * (GStreamer omits the publish type).
 */
public final class CommandParser {
    private CommandParser() {
    }

    public static Command parse(CommandMessage message) {
        List<AmfValue> v = message.values();
        if (v.isEmpty() || !(v.get(0) instanceof AmfString name)) {
            throw new RtmpProtocolException(Reason.BAD_COMMAND, "command message without a name");
        }
        double tx = number(v, 1);
        return switch (name.value()) {
            case "connect" -> connect(v, tx);
            case "releaseStream" -> new Command.ReleaseStream(tx, string(v, 3));
            case "FCPublish" -> new Command.FcPublish(tx, string(v, 3));
            case "createStream" -> new Command.CreateStream(tx);
            case "publish" -> new Command.Publish(tx, message.messageStreamId(), string(v, 3), string(v, 4));
            case "FCUnpublish" -> new Command.FcUnpublish(tx, string(v, 3));
            case "deleteStream" -> new Command.DeleteStream(tx, (int) number(v, 3));
            case "closeStream" -> new Command.CloseStream(tx, message.messageStreamId());
            default -> new Command.Other(name.value(), tx);
        };
    }

    private static Command connect(List<AmfValue> v, double tx) {
        if (v.size() < 3 || !(v.get(2) instanceof AmfObject object)) {
            throw new RtmpProtocolException(Reason.BAD_COMMAND, "connect without a command object");
        }
        return new Command.Connect(tx, object.string("app").orElse(""), object.string("tcUrl").orElse(""));
    }

    private static double number(List<AmfValue> v, int index) {
        return index < v.size() && v.get(index) instanceof AmfNumber n ? n.value() : 0;
    }

    private static String string(List<AmfValue> v, int index) {
        return index < v.size() && v.get(index) instanceof AmfString s ? s.value() : "";
    }
}
