package io.livechannel.storage;

/**
 * One page request of a listing (OSS ListObjects v1/v2 semantics).
 *
 * @param prefix only keys starting with it; "" for all
 * @param marker only keys strictly after it; "" to start at the beginning
 * @param delimiter when non-empty, keys with it after the prefix roll up into common prefixes
 * @param maxKeys 1..{@value #MAX_KEYS}; keys and common prefixes together count towards it
 */
public record ListQuery(String prefix, String marker, String delimiter, int maxKeys) {
    /** OSS's maximum page size. */
    public static final int MAX_KEYS = 1000;

    public ListQuery {
        prefix = prefix == null ? "" : prefix;
        marker = marker == null ? "" : marker;
        delimiter = delimiter == null ? "" : delimiter;
        if (maxKeys < 1 || maxKeys > MAX_KEYS) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " outside 1.." + MAX_KEYS);
        }
    }

    public static ListQuery prefix(String prefix, int maxKeys) {
        return new ListQuery(prefix, "", "", maxKeys);
    }
}
