/**
 * The RTMP handshake (RTMP spec §5.2), simple and digest ("complex") variants: a one-shot decoder that answers
 * and then removes itself from the pipeline. Depends on Netty and the JDK's HMAC only.
 */
package io.livechannel.rtmp.handshake;
