package io.livechannel.rtmp.amf;

/** AMF0 undefined (AMF0 spec §2.8, marker 0x06); also what an unsupported marker 0x0D reads as. */
public record AmfUndefined() implements AmfValue {
    public static final AmfUndefined INSTANCE = new AmfUndefined();
}
