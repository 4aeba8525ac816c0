package io.livechannel.rtmp.amf;

import io.livechannel.rtmp.RtmpProtocolException;
import io.livechannel.rtmp.RtmpProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads AMF0 values (AMF0 spec §2) from a {@code ByteBuf}.
 *
 * <p>Limits: nesting deeper than {@code maxDepth} is an error (stack safety); every length and count is checked
 * against the bytes actually readable before anything is allocated, so memory stays proportional to the input.
 * Errors throw {@link RtmpProtocolException} with {@link Reason#BAD_AMF}; the reader index is then undefined.
 *
 * <p>Ownership: never retains or releases {@code in}; advances its reader index past what was read.
 */
public final class Amf0Reader {
    private final int maxDepth;

    public Amf0Reader(int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth < 1: " + maxDepth);
        }
        this.maxDepth = maxDepth;
    }

    /** Reads values until {@code in} is exhausted (a command or data message body). */
    public List<AmfValue> readAll(ByteBuf in) {
        List<AmfValue> values = new ArrayList<>(4);
        while (in.isReadable()) {
            values.add(read(in));
        }
        return values;
    }

    /** Reads one value. */
    public AmfValue read(ByteBuf in) {
        return read(in, 0);
    }

    private AmfValue read(ByteBuf in, int depth) {
        if (depth > maxDepth) {
            throw error("AMF0 nesting deeper than maxAmfDepth " + maxDepth);
        }
        need(in, 1, "type marker");
        int markerId = in.readUnsignedByte();
        Amf0Marker marker = Amf0Marker.ofOrNull(markerId);
        if (marker == null) {
            throw error("unsupported AMF0 marker 0x" + Integer.toHexString(markerId));
        }
        return switch (marker) {
            case NUMBER -> new AmfNumber(readDouble(in));
            case BOOLEAN -> {
                need(in, 1, "boolean");
                yield new AmfBoolean(in.readByte() != 0);
            }
            case STRING -> new AmfString(readUtf8(in, readU16Length(in)));
            case LONG_STRING -> new AmfString(readUtf8(in, readU32Length(in)));
            case OBJECT -> new AmfObject(readProperties(in, depth));
            case TYPED_OBJECT -> {
                readUtf8(in, readU16Length(in)); // class name: not needed by any command we parse
                yield new AmfObject(readProperties(in, depth));
            }
            case ECMA_ARRAY -> {
                need(in, 4, "ECMA array count");
                in.skipBytes(4); // advisory; ffmpeg writes 0 for @setDataFrame arrays it later extends
                yield new AmfEcmaArray(readProperties(in, depth));
            }
            case STRICT_ARRAY -> readStrictArray(in, depth);
            case DATE -> {
                double millis = readDouble(in);
                need(in, 2, "date time zone");
                yield new AmfDate(millis, in.readShort());
            }
            case NULL -> AmfNull.INSTANCE;
            case UNDEFINED, UNSUPPORTED -> AmfUndefined.INSTANCE;
            case OBJECT_END -> throw error("object-end marker outside an object");
        };
    }

    /*
     * object-property = (UTF-8 value-type) | (UTF-8-empty object-end-marker)
     *   +-----------+-------------+--------+     ...   +------+------+------+
     *   | name len  | name (UTF-8)| value  |           | 0x00 | 0x00 | 0x09 |
     *   |  (u16)    |             |        |           +------+------+------+
     */
    private List<AmfProperty> readProperties(ByteBuf in, int depth) {
        List<AmfProperty> properties = new ArrayList<>();
        while (true) {
            int nameLength = readU16Length(in);
            if (nameLength == 0) {
                need(in, 1, "object end marker");
                if (in.getUnsignedByte(in.readerIndex()) == Amf0Marker.OBJECT_END.id()) {
                    in.skipBytes(1);
                    return properties;
                }
            }
            String name = readUtf8(in, nameLength);
            properties.add(new AmfProperty(name, read(in, depth + 1)));
        }
    }

    private AmfStrictArray readStrictArray(ByteBuf in, int depth) {
        long count = readU32Length(in);
        // each element takes at least one byte: a count above the readable bytes is a lie, refuse before allocating
        if (count > in.readableBytes()) {
            throw error("strict array count " + count + " exceeds the " + in.readableBytes() + " bytes left");
        }
        List<AmfValue> values = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            values.add(read(in, depth + 1));
        }
        return new AmfStrictArray(values);
    }

    private static double readDouble(ByteBuf in) {
        need(in, 8, "number");
        return in.readDouble();
    }

    private static int readU16Length(ByteBuf in) {
        need(in, 2, "string length");
        return in.readUnsignedShort();
    }

    private static int readU32Length(ByteBuf in) {
        need(in, 4, "length");
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw error("length " + length + " exceeds the " + in.readableBytes() + " bytes left");
        }
        return (int) length;
    }

    private static String readUtf8(ByteBuf in, int length) {
        need(in, length, "string");
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    private static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw error("truncated AMF0 " + what + ": need " + bytes + " bytes, have " + in.readableBytes());
        }
    }

    private static RtmpProtocolException error(String message) {
        return new RtmpProtocolException(Reason.BAD_AMF, message);
    }
}
