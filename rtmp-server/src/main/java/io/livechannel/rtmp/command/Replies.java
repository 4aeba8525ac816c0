package io.livechannel.rtmp.command;

import io.livechannel.rtmp.amf.AmfNull;
import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfObject;
import io.livechannel.rtmp.amf.AmfProperty;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.amf.AmfValue;
import io.livechannel.rtmp.message.CommandMessage;

/**
 * The command messages the server sends (RTMP spec §7.2.1.1 {@code _result}/{@code _error} of {@code connect},
 * §7.2.1.3 of {@code createStream}, §7.2.2 {@code onStatus}).
 */
public final class Replies {
    /** What FFmpeg and OBS print as the server version; the value of nginx-rtmp and SRS. */
    private static final String FMS_VERSION = "FMS/3,0,1,123";

    private Replies() {
    }

    /** {@code _result} of {@code connect}: NetConnection.Connect.Success. */
    public static CommandMessage connectSuccess(double transactionId) {
        AmfObject properties = AmfObject.of(
                new AmfProperty("fmsVer", new AmfString(FMS_VERSION)),
                new AmfProperty("capabilities", new AmfNumber(31)));
        AmfObject information = AmfObject.of(
                new AmfProperty("level", new AmfString(StatusCode.CONNECT_SUCCESS.level())),
                new AmfProperty("code", new AmfString(StatusCode.CONNECT_SUCCESS.code())),
                new AmfProperty("description", new AmfString("Connection succeeded.")),
                new AmfProperty("objectEncoding", new AmfNumber(0)));
        return CommandMessage.of(0, new AmfString("_result"), new AmfNumber(transactionId), properties, information);
    }

    /** {@code _error} of {@code connect}: NetConnection.Connect.Rejected with the reason. */
    public static CommandMessage connectRejected(double transactionId, String description) {
        return CommandMessage.of(0, new AmfString("_error"), new AmfNumber(transactionId), AmfNull.INSTANCE,
                info(StatusCode.CONNECT_REJECTED, description));
    }

    /** {@code _result} with a null command object and one value (a stream id, or null). */
    public static CommandMessage result(double transactionId, AmfValue value) {
        return CommandMessage.of(0, new AmfString("_result"), new AmfNumber(transactionId), AmfNull.INSTANCE, value);
    }

    /** {@code onStatus} on a message stream. */
    public static CommandMessage onStatus(int messageStreamId, StatusCode code, String description) {
        return CommandMessage.of(messageStreamId, new AmfString("onStatus"), new AmfNumber(0), AmfNull.INSTANCE,
                info(code, description));
    }

    private static AmfObject info(StatusCode code, String description) {
        return AmfObject.of(
                new AmfProperty("level", new AmfString(code.level())),
                new AmfProperty("code", new AmfString(code.code())),
                new AmfProperty("description", new AmfString(description)));
    }
}
