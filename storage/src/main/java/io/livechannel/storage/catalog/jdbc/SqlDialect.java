package io.livechannel.storage.catalog.jdbc;

/**
 * The databases the catalog runs on. The DML is shared; each dialect has its own migration directory because DDL
 * types differ (identity columns, collations).
 */
public enum SqlDialect {
    /** Embedded default: one file, WAL journal, writes serialised through one connection. */
    SQLITE("sqlite"),
    /** For several server nodes sharing one catalog; its migrations are a later issue. */
    POSTGRES("postgres");

    private final String migrationDirectory;

    SqlDialect(String migrationDirectory) {
        this.migrationDirectory = migrationDirectory;
    }

    /** Resource directory of this dialect's migrations, relative to this package. */
    String migrationDirectory() {
        return migrationDirectory;
    }
}
