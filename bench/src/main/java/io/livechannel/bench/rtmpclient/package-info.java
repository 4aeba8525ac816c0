/**
 * The client side of RTMP that a publisher needs (Adobe RTMP spec 1.0: §5.2 simple handshake, §5.3 chunking, §7.2
 * commands in AMF0): writing chunks and AMF0 commands, reading the server's few replies. Deliberately small: the
 * server-side codecs in {@code io.livechannel.rtmp} decode client streams, while this package encodes them and
 * pre-chunks a whole FLV once so hundreds of publishers share one buffer. Used only by the load generator.
 */
package io.livechannel.bench.rtmpclient;
