package io.livechannel.storage;

import java.util.List;

/**
 * One page of a listing, in key order.
 *
 * @param nextMarker the last key or common prefix of this page when {@code truncated}, else {@code null}
 */
public record ObjectListing(List<StoredObject> objects, List<String> commonPrefixes, boolean truncated,
                            String nextMarker) {
    public ObjectListing {
        objects = List.copyOf(objects);
        commonPrefixes = List.copyOf(commonPrefixes);
    }
}
