package io.livechannel.rtmp.amf;

/**
 * AMF0 type markers (AMF0 spec §2.1). Markers without a constant here (reference 0x07, record set 0x0E,
 * XML document 0x0F, AVM+ 0x11, anything else) are a decoding error: encoders never put them in commands.
 */
public enum Amf0Marker {
    NUMBER(0x00), BOOLEAN(0x01), STRING(0x02), OBJECT(0x03), NULL(0x05), UNDEFINED(0x06), ECMA_ARRAY(0x08),
    OBJECT_END(0x09), STRICT_ARRAY(0x0A), DATE(0x0B), LONG_STRING(0x0C), UNSUPPORTED(0x0D), TYPED_OBJECT(0x10);

    private static final Amf0Marker[] BY_ID = new Amf0Marker[0x11];

    static {
        for (Amf0Marker m : values()) {
            BY_ID[m.id] = m;
        }
    }

    private final int id;

    Amf0Marker(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The marker for {@code id}, or null when we don't read that type. */
    static Amf0Marker ofOrNull(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
