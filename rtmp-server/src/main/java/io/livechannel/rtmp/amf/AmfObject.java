package io.livechannel.rtmp.amf;

import java.util.List;
import java.util.Optional;

/**
 * AMF0 anonymous object (AMF0 spec §2.5, marker 0x03; typed objects, marker 0x10, read into this too, without
 * their class name). Entries keep wire order; a repeated name keeps both entries, {@link #get} finds the first.
 */
public record AmfObject(List<AmfProperty> properties) implements AmfValue {
    public AmfObject {
        properties = List.copyOf(properties);
    }

    public static AmfObject of(AmfProperty... properties) {
        return new AmfObject(List.of(properties));
    }

    public Optional<AmfValue> get(String name) {
        return AmfProperties.find(properties, name);
    }

    /** The named property if it is a string. */
    public Optional<String> string(String name) {
        return get(name).filter(AmfString.class::isInstance).map(v -> ((AmfString) v).value());
    }
}
