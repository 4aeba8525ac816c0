/**
 * The OSS-compatible HTTP API: pipeline assembly ({@link io.livechannel.api.ApiChannelInitializer}) and request
 * routing. Wire details: {@code shared/spec/oss-sdk-wire-spec.md}. Depends on storage and vod-playlist, never on
 * rtmp-server (live sessions are reached through a port interface).
 */
package io.livechannel.api;
