package io.livechannel.storage.catalog;

/** A channel's configured status, with its OSS wire value. */
public enum ChannelStatus {
    ENABLED("enabled"), DISABLED("disabled");

    private final String wireValue;

    ChannelStatus(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    /** @throws IllegalArgumentException for anything but {@code enabled} and {@code disabled} */
    public static ChannelStatus ofWireValue(String value) {
        for (ChannelStatus s : values()) {
            if (s.wireValue.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status: " + value);
    }
}
