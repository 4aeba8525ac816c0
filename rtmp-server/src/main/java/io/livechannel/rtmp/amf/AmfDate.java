package io.livechannel.rtmp.amf;

/** AMF0 date: milliseconds since the epoch and a time zone that the spec says to ignore (AMF0 §2.13, 0x0B). */
public record AmfDate(double epochMillis, short timeZone) implements AmfValue {
}
