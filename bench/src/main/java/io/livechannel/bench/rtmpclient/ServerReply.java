package io.livechannel.bench.rtmpclient;

import io.livechannel.rtmp.amf.AmfNumber;
import io.livechannel.rtmp.amf.AmfObject;
import io.livechannel.rtmp.amf.AmfString;
import io.livechannel.rtmp.amf.AmfValue;
import java.util.List;

/**
 * What a publishing client needs from a server command message (RTMP spec §7.2.1.1 and §7.2.2): the command
 * name, the transaction id, the stream id a {@code _result} of createStream returns, and the {@code code} of an
 * {@code onStatus} info object.
 *
 * @param name          command name ({@code _result}, {@code _error}, {@code onStatus}, {@code onBWDone}, ...)
 * @param transactionId transaction id (0 for onStatus)
 * @param resultNumber  the first number after the transaction id, NaN when absent (createStream's stream id)
 * @param statusCode    the {@code code} property of the first object that has one, or "" when none does
 */
public record ServerReply(String name, double transactionId, double resultNumber, String statusCode) {
    /**
     * Reads the reply out of the AMF0 values of a command message, as decoded by the server's own
     * {@code Amf0Reader}; throws {@link IllegalArgumentException} if they do not start with a name and a number.
     */
    public static ServerReply of(List<AmfValue> values) {
        if (values.size() < 2 || !(values.get(0) instanceof AmfString name)
                || !(values.get(1) instanceof AmfNumber tx)) {
            throw new IllegalArgumentException("not an AMF0 command: " + values);
        }
        double result = Double.NaN;
        String code = "";
        for (AmfValue v : values.subList(2, values.size())) {
            if (v instanceof AmfNumber n && Double.isNaN(result)) {
                result = n.value();
            } else if (v instanceof AmfObject o && code.isEmpty()) {
                code = o.string("code").orElse("");
            }
        }
        return new ServerReply(name.value(), tx.value(), result, code);
    }
}
