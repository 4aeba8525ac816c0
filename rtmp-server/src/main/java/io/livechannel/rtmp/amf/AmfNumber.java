package io.livechannel.rtmp.amf;

/** AMF0 number: an IEEE 754 double (AMF0 spec §2.2, marker 0x00). */
public record AmfNumber(double value) implements AmfValue {
}
