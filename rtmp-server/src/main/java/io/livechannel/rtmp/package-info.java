/**
 * RTMP ingest: pipeline assembly ({@link io.livechannel.rtmp.RtmpChannelInitializer}), limits and the ports this
 * module needs from the server (push authorization, media delivery).
 */
package io.livechannel.rtmp;
