package io.livechannel.rtmp.amf;

import java.util.List;
import java.util.Optional;

/** Lookup shared by the two AMF0 types that hold properties. */
final class AmfProperties {
    private AmfProperties() {
    }

    static Optional<AmfValue> find(List<AmfProperty> properties, String name) {
        for (AmfProperty p : properties) {
            if (p.name().equals(name)) {
                return Optional.of(p.value());
            }
        }
        return Optional.empty();
    }
}
