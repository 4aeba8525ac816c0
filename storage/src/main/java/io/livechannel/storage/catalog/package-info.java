/**
 * The metadata catalog: buckets, access keys, channels, push history, playlist counters and the per-segment
 * index used by VoD playlists. {@link io.livechannel.storage.catalog.MetadataStore} groups the parts; the JDBC
 * implementation (SQLite embedded, PostgreSQL later) lives in {@code .jdbc}. Every method blocks: call it
 * from a storage executor, never from a Netty event loop.
 */
package io.livechannel.storage.catalog;
