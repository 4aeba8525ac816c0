package io.livechannel.rtmp.amf;

import java.util.Objects;

/** AMF0 string or long string (AMF0 spec §2.4 marker 0x02, §2.14 marker 0x0C), UTF-8 on the wire. */
public record AmfString(String value) implements AmfValue {
    public AmfString {
        Objects.requireNonNull(value, "value");
    }
}
