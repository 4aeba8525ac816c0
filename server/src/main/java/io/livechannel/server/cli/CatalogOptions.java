package io.livechannel.server.cli;

import picocli.CommandLine.Option;

/** Where the catalog is, for the server and for {@code push-url}: absent, SQLite in the data dir. */
public final class CatalogOptions {
    @Option(names = "--catalog", paramLabel = "JDBC_URL",
            description = "the catalog shared by several nodes: jdbc:postgresql://HOST:PORT/DB (PostgreSQL 13+; "
                    + "user and password in the URL or the next two options); default: SQLite in --data-dir")
    String url;

    @Option(names = "--catalog-user", paramLabel = "USER", description = "PostgreSQL catalog user")
    String user;

    @Option(names = "--catalog-password", paramLabel = "PASSWORD", description = "PostgreSQL catalog password")
    String password;

    /** The JDBC URL, or null for SQLite in the data dir. */
    public String url() {
        return url == null || url.isBlank() ? null : url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }
}
