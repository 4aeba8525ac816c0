package io.livechannel.rtmp.amf;

import java.util.List;

/** AMF0 strict array (AMF0 spec §2.12, marker 0x0A): a counted list of values. */
public record AmfStrictArray(List<AmfValue> values) implements AmfValue {
    public AmfStrictArray {
        values = List.copyOf(values);
    }
}
