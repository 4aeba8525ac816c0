/**
 * Typed RTMP messages (RTMP spec §5.4 protocol control, §6.2 user control, §7.1 message types), the
 * {@link io.livechannel.rtmp.message.MessageReader} that makes them from the chunk layer's
 * {@link io.livechannel.rtmp.chunk.RawMessage} (a plain reader the session calls, not a pipeline handler) and the
 * {@link io.livechannel.rtmp.message.MessageEncoder} that turns the server's replies back into raw messages.
 */
package io.livechannel.rtmp.message;
