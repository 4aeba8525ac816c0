package io.livechannel.storage.catalog;

/**
 * Hears the changes that any process sharing the catalog makes to the rows a cache keeps (buckets, access keys);
 * see {@link MetadataStore#subscribe}. Called on the store's listener thread; must not block.
 */
public interface CatalogChangeListener {
    /** What a change notice names. */
    enum Kind {
        BUCKET("bucket"),
        ACCESS_KEY("access_key"),
        /** Not a row: the node publishing the channel named {@code <bucket>/<channel>} must end that publish. */
        PUBLISH_KICK("kick");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The name in a notice's payload ({@code <kind>:<name>}). */
        public String wireName() {
            return wireName;
        }

        /** The kind named {@code wireName}, or null for one this version does not know. */
        public static Kind ofWireName(String wireName) {
            for (Kind kind : values()) {
                if (kind.wireName.equals(wireName)) {
                    return kind;
                }
            }
            return null;
        }
    }

    /** The row {@code name} of {@code kind} was written (created, changed or deleted) and committed. */
    void changed(Kind kind, String name);

    /**
     * {@code false}: notices may be missed from now on (the listener lost its connection), so nothing cached may be
     * trusted; {@code true}: notices are heard again, and anything may have changed while they were not.
     */
    void listening(boolean listening);
}
