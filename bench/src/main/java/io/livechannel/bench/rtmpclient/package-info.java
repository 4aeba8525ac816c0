/**
 * The client side of RTMP that the load generator needs beyond what rtmp-server already provides (Adobe RTMP spec
 * 1.0: §5.2 simple handshake, §5.3 chunking): the client handshake, a chunk writer, an FLV pre-chunked once so that
 * hundreds of publishers share one buffer instead of each encoding its own copy (rtmp-server's {@code ChunkEncoder}
 * would copy every payload per connection), and the few fields of a server reply a publisher acts on. Replies are
 * decoded with rtmp-server's {@code ChunkDecoder} and {@code Amf0Reader}.
 */
package io.livechannel.bench.rtmpclient;
