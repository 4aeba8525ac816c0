/**
 * Typed RTMP messages (RTMP spec §5.4 protocol control, §6.2 user control, §7.1 message types) and the
 * {@link io.livechannel.rtmp.message.MessageDecoder}/{@link io.livechannel.rtmp.message.MessageEncoder} pair
 * between them and the chunk layer's {@link io.livechannel.rtmp.chunk.RawMessage}.
 */
package io.livechannel.rtmp.message;
