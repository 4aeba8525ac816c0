package io.livechannel.rtmp.amf;

import java.util.Objects;

/** One name/value entry of an {@link AmfObject} or {@link AmfEcmaArray} (AMF0 spec §2.5 "object-property"). */
public record AmfProperty(String name, AmfValue value) {
    public AmfProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
