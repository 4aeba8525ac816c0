/**
 * What the server does with an RTMP publish: decides it against the catalog ({@link
 * io.livechannel.server.ingest.CatalogPushAuthorizer}), feeds its frames to an HLS packager ({@link
 * io.livechannel.server.ingest.HlsPublishListener}) and stores the segments, playlists, index entries, counters
 * and history ({@link io.livechannel.server.ingest.StoredHlsOutput}). Blocking catalog calls run on the storage
 * executor; nothing here blocks an event loop.
 */
package io.livechannel.server.ingest;
