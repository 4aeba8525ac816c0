package io.livechannel.rtmp.amf;

/** AMF0 boolean (AMF0 spec §2.3, marker 0x01). */
public record AmfBoolean(boolean value) implements AmfValue {
}
