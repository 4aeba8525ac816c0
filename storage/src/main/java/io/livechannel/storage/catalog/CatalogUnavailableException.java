package io.livechannel.storage.catalog;

/**
 * The catalog's database cannot be reached (connection refused or lost, the pool timed out waiting for one, the
 * server shutting down): the call may succeed later, unchanged. The API answers 503 ServiceUnavailable for it.
 */
public final class CatalogUnavailableException extends CatalogException {
    private static final long serialVersionUID = 1L;

    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
