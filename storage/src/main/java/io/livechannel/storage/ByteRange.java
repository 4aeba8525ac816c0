package io.livechannel.storage;

/**
 * A resolved, satisfiable byte range {@code [first, last]} of an object of known size (RFC 9110 §14.1.2).
 * Parsing the {@code Range} header and deciding between 206, 200 and 416 belongs to the HTTP layer.
 */
public record ByteRange(long first, long last) {
    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid range " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }
}
