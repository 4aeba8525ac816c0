/**
 * The RTMP chunk stream (RTMP spec §5.3, and the protocol control messages of §5.4 that change the chunking):
 * {@link io.livechannel.rtmp.chunk.ChunkDecoder} reassembles chunks into {@link io.livechannel.rtmp.chunk.RawMessage}s,
 * {@link io.livechannel.rtmp.chunk.ChunkEncoder} splits them. Knows nothing of message contents beyond §5.4.
 */
package io.livechannel.rtmp.chunk;
