package io.livechannel.rtmp.amf;

/** AMF0 null (AMF0 spec §2.7, marker 0x05). */
public record AmfNull() implements AmfValue {
    public static final AmfNull INSTANCE = new AmfNull();
}
