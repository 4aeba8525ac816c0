/**
 * The JDBC catalog: {@link io.livechannel.storage.catalog.jdbc.JdbcMetadataStore} and one class per catalog part,
 * over one serialised connection, with versioned SQL migrations under
 * {@code resources/io/livechannel/storage/catalog/jdbc/<dialect>/V<n>.sql}. SQLite (WAL) is the embedded default;
 * the DML is written in the subset SQLite and PostgreSQL share ({@code ON CONFLICT}, {@code RETURNING},
 * {@code substr}, {@code LIMIT}) so a PostgreSQL dialect only adds its own migrations. Depends on
 * {@code java.sql} and the catalog package only.
 */
package io.livechannel.storage.catalog.jdbc;
