package io.livechannel.rtmp.amf;

import java.util.List;
import java.util.Optional;

/**
 * AMF0 ECMA array (AMF0 spec §2.10, marker 0x08): an associative array, as {@code onMetaData} is usually sent.
 * The wire's count field is advisory (encoders get it wrong); entries run to the object-end marker.
 */
public record AmfEcmaArray(List<AmfProperty> properties) implements AmfValue {
    public AmfEcmaArray {
        properties = List.copyOf(properties);
    }

    public Optional<AmfValue> get(String name) {
        return AmfProperties.find(properties, name);
    }
}
