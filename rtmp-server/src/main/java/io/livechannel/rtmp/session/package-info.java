/**
 * Publish sessions: the command flow of one connection ({@link io.livechannel.rtmp.session.SessionHandler}), the
 * admitted publish and its statistics, push-URL parsing ({@link io.livechannel.rtmp.session.PushUrl},
 * {@code oss-sdk-wire-spec.md} §6.3-6.4) and the server-wide
 * {@link io.livechannel.rtmp.session.PublisherRegistry}. Only the registry is shared between connections.
 */
package io.livechannel.rtmp.session;
