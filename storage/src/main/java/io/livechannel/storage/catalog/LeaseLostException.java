package io.livechannel.storage.catalog;

/**
 * A live-path write carried an epoch the channel's lease no longer has: another node took the channel over, so
 * this node's publish of it must stop writing ({@link PublishLeases#verify}).
 */
public final class LeaseLostException extends CatalogException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message) {
        super(message);
    }
}
