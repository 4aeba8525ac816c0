package io.livechannel.bench.rtmpclient;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the AMF0 values a publishing client sends (AMF0 spec §2): numbers, booleans, strings, null and anonymous
 * objects of those. Pure; appends to the caller's buffer.
 *
 * <pre>
 * number   0x00 | f64            boolean 0x01 | u8          string 0x02 | u16 length | UTF-8
 * object   0x03 | (u16 key length | key | value)* | 0x00 0x00 0x09        null 0x05
 * </pre>
 */
public final class Amf0CommandWriter {
    private static final int NUMBER = 0x00;
    private static final int BOOLEAN = 0x01;
    private static final int STRING = 0x02;
    private static final int OBJECT = 0x03;
    private static final int NULL = 0x05;
    private static final int OBJECT_END = 0x09;

    private Amf0CommandWriter() {
    }

    /**
     * Appends each value in order. Supported: {@link Number} (written as a double), {@link Boolean}, {@link String},
     * {@code null}, and {@code Map<String, ?>} of those (an anonymous object, entries in iteration order).
     */
    public static void write(ByteBuf out, Object... values) {
        for (Object v : values) {
            writeValue(out, v);
        }
    }

    private static void writeValue(ByteBuf out, Object v) {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Number n) {
            out.writeByte(NUMBER).writeDouble(n.doubleValue());
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            writeUtf8(out, s);
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte(OBJECT);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                writeUtf8(out, (String) e.getKey());
                writeValue(out, e.getValue());
            }
            out.writeShort(0).writeByte(OBJECT_END);
        } else {
            throw new IllegalArgumentException("no AMF0 mapping for " + v.getClass().getName());
        }
    }

    private static void writeUtf8(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("AMF0 short string longer than 65535 bytes: " + b.length);
        }
        out.writeShort(b.length).writeBytes(b);
    }
}
