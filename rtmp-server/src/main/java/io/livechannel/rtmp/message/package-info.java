/**
 * Typed RTMP messages (RTMP spec §5.4 protocol control, §6.2 user control, §7.1 message types) and the
 * {@link io.livechannel.rtmp.message.MessageReader} (with its handler form
 * {@link io.livechannel.rtmp.message.MessageDecoder}) and {@link io.livechannel.rtmp.message.MessageEncoder}
 * between them and the chunk layer's {@link io.livechannel.rtmp.chunk.RawMessage}.
 */
package io.livechannel.rtmp.message;
