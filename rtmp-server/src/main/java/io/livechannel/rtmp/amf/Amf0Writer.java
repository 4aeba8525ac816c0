package io.livechannel.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Writes AMF0 values (AMF0 spec §2). Strings longer than 65535 UTF-8 bytes are written as long strings.
 *
 * <p>Ownership: writes into {@code out}, never retains or releases it.
 */
public final class Amf0Writer {
    private Amf0Writer() {
    }

    public static void writeAll(List<? extends AmfValue> values, ByteBuf out) {
        for (AmfValue v : values) {
            write(v, out);
        }
    }

    public static void write(AmfValue value, ByteBuf out) {
        if (value instanceof AmfNumber n) {
            out.writeByte(Amf0Marker.NUMBER.id()).writeDouble(n.value());
        } else if (value instanceof AmfBoolean b) {
            out.writeByte(Amf0Marker.BOOLEAN.id()).writeByte(b.value() ? 1 : 0);
        } else if (value instanceof AmfString s) {
            writeString(s.value(), out);
        } else if (value instanceof AmfObject o) {
            out.writeByte(Amf0Marker.OBJECT.id());
            writeProperties(o.properties(), out);
        } else if (value instanceof AmfEcmaArray a) {
            out.writeByte(Amf0Marker.ECMA_ARRAY.id()).writeInt(a.properties().size());
            writeProperties(a.properties(), out);
        } else if (value instanceof AmfStrictArray a) {
            out.writeByte(Amf0Marker.STRICT_ARRAY.id()).writeInt(a.values().size());
            writeAll(a.values(), out);
        } else if (value instanceof AmfDate d) {
            out.writeByte(Amf0Marker.DATE.id()).writeDouble(d.epochMillis()).writeShort(d.timeZone());
        } else if (value instanceof AmfNull) {
            out.writeByte(Amf0Marker.NULL.id());
        } else if (value instanceof AmfUndefined) {
            out.writeByte(Amf0Marker.UNDEFINED.id());
        } else {
            throw new IllegalArgumentException("unknown AMF value " + value);
        }
    }

    private static void writeString(String s, ByteBuf out) {
        int length = ByteBufUtil.utf8Bytes(s);
        if (length > 0xFFFF) {
            out.writeByte(Amf0Marker.LONG_STRING.id()).writeInt(length);
        } else {
            out.writeByte(Amf0Marker.STRING.id()).writeShort(length);
        }
        ByteBufUtil.reserveAndWriteUtf8(out, s, length);
    }

    private static void writeProperties(List<AmfProperty> properties, ByteBuf out) {
        for (AmfProperty p : properties) {
            int length = ByteBufUtil.utf8Bytes(p.name());
            if (length > 0xFFFF) {
                throw new IllegalArgumentException("property name longer than 65535 bytes");
            }
            out.writeShort(length);
            ByteBufUtil.reserveAndWriteUtf8(out, p.name(), length);
            write(p.value(), out);
        }
        out.writeShort(0).writeByte(Amf0Marker.OBJECT_END.id());
    }
}
