/**
 * The RTMP load generator (issue 9): N concurrent publishers replaying one FLV at its real-time pace, chunk size
 * 4096, staggered starts, reporting publishes accepted, bytes sent, pacing lag and, per publisher, when each
 * keyframe was written to the socket (the harness's reference for cut-to-playlist latency). Depends on the client
 * codec in {@code io.livechannel.bench.rtmpclient} and Netty only; never on the server's modules.
 */
package io.livechannel.bench.load;
