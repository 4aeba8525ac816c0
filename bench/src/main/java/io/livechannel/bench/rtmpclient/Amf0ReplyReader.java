package io.livechannel.bench.rtmpclient;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads an AMF0 command message from the server into a {@link ServerReply} (AMF0 spec §2). Understands number,
 * boolean, string, object, null, undefined, ECMA array and long string; any other marker ends the scan, since the
 * fields a publisher needs come first. Pure; reads {@code payload} from its reader index and consumes it.
 */
public final class Amf0ReplyReader {
    /** Nesting limit for objects, checked before recursing: replies nest one level, hostile input could nest more. */
    static final int MAX_DEPTH = 8;

    private static final int NUMBER = 0x00;
    private static final int BOOLEAN = 0x01;
    private static final int STRING = 0x02;
    private static final int OBJECT = 0x03;
    private static final int NULL = 0x05;
    private static final int UNDEFINED = 0x06;
    private static final int ECMA_ARRAY = 0x08;
    private static final int OBJECT_END = 0x09;
    private static final int LONG_STRING = 0x0C;

    private String statusCode = "";

    private Amf0ReplyReader() {
    }

    /** Parses one command; throws {@link IllegalArgumentException} if it does not start with a string and number. */
    public static ServerReply read(ByteBuf payload) {
        Amf0ReplyReader r = new Amf0ReplyReader();
        Object name = r.readValue(payload, 0);
        Object tx = payload.isReadable() ? r.readValue(payload, 0) : null;
        if (!(name instanceof String s) || !(tx instanceof Double t)) {
            throw new IllegalArgumentException("not an AMF0 command: name " + name + ", transaction " + tx);
        }
        double result = Double.NaN;
        while (payload.isReadable()) {
            Object v = r.readValue(payload, 0);
            if (v instanceof Double d && Double.isNaN(result)) {
                result = d;
            }
            if (v == Stop.STOP) {
                break;
            }
        }
        return new ServerReply(s, t, result, r.statusCode);
    }

    private enum Stop { STOP }

    private Object readValue(ByteBuf in, int depth) {
        int marker = in.readUnsignedByte();
        switch (marker) {
            case NUMBER: return in.readDouble();
            case BOOLEAN: return in.readBoolean();
            case STRING: return readUtf8(in, in.readUnsignedShort());
            case LONG_STRING: return readUtf8(in, Math.toIntExact(in.readUnsignedInt()));
            case NULL, UNDEFINED: return null;
            case ECMA_ARRAY:
                in.skipBytes(4);
                readProperties(in, depth + 1);
                return null;
            case OBJECT:
                readProperties(in, depth + 1);
                return null;
            default: return Stop.STOP;
        }
    }

    private void readProperties(ByteBuf in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 nesting deeper than MAX_DEPTH " + MAX_DEPTH);
        }
        while (true) {
            String key = readUtf8(in, in.readUnsignedShort());
            if (key.isEmpty() && in.getUnsignedByte(in.readerIndex()) == OBJECT_END) {
                in.skipBytes(1);
                return;
            }
            Object v = readValue(in, depth);
            if (v == Stop.STOP) {
                throw new IllegalArgumentException("unsupported AMF0 marker inside an object");
            }
            if ("code".equals(key) && v instanceof String code && statusCode.isEmpty()) {
                statusCode = code;
            }
        }
    }

    private static String readUtf8(ByteBuf in, int length) {
        if (length > in.readableBytes()) {
            throw new IllegalArgumentException("AMF0 string of " + length + " bytes, " + in.readableBytes() + " left");
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }
}
