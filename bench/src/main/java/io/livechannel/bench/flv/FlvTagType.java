package io.livechannel.bench.flv;

/** FLV TagType values (FLV spec v10.1 §E.4.1), which are also the RTMP message type ids of the same payloads. */
public enum FlvTagType {
    AUDIO(8), VIDEO(9), SCRIPT_DATA(18);

    private final int id;

    FlvTagType(int id) {
        this.id = id;
    }

    /** The wire value, shared by the FLV TagType and the RTMP message type id. */
    public int id() {
        return id;
    }

    /** Returns the type for {@code id}; other values are rejected because the spec defines no other tag. */
    static FlvTagType of(int id) {
        for (FlvTagType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown FLV tag type " + id);
    }
}
