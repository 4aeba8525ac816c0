package io.livechannel.storage.catalog;

/** A bucket's canned ACL, with its OSS wire value ({@code x-oss-acl}, {@code <Grant>}). */
public enum BucketAcl {
    PRIVATE("private"), PUBLIC_READ("public-read"), PUBLIC_READ_WRITE("public-read-write");

    private final String wireValue;

    BucketAcl(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    /** @throws IllegalArgumentException for anything but the three OSS values */
    public static BucketAcl ofWireValue(String value) {
        for (BucketAcl acl : values()) {
            if (acl.wireValue.equals(value)) {
                return acl;
            }
        }
        throw new IllegalArgumentException("unknown ACL: " + value);
    }
}
