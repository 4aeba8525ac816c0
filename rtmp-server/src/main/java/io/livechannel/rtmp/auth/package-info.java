/**
 * Signed RTMP push URLs ({@code oss-sdk-wire-spec.md} §6): the pure signature algorithm the server's
 * {@link io.livechannel.rtmp.PushAuthorizer} uses. No Netty, no I/O.
 */
package io.livechannel.rtmp.auth;
