/**
 * RTMP ingest (publish only): pipeline assembly ({@link io.livechannel.rtmp.RtmpChannelInitializer}), limits
 * ({@link io.livechannel.rtmp.RtmpLimits}) and the ports this module needs from the server: push authorization
 * ({@link io.livechannel.rtmp.PushAuthorizer}) and media delivery ({@link io.livechannel.rtmp.PublishListener},
 * {@link io.livechannel.rtmp.MediaSink}). Spec: {@code livechannel.md} "RTMP ingest",
 * {@code oss-sdk-wire-spec.md} §6. Depends on Netty and hls-muxer only; never on the server, API or storage.
 */
package io.livechannel.rtmp;
