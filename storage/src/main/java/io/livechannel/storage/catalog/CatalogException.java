package io.livechannel.storage.catalog;

/** A catalog call failed (database unreachable, constraint broken); not used for "not found". */
public class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }

    public CatalogException(String message) {
        super(message);
    }
}
