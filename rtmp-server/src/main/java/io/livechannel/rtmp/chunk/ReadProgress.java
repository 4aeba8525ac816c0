package io.livechannel.rtmp.chunk;

/**
 * A user event {@link ChunkDecoder} fires after it has decoded each read, just before passing on
 * {@code channelReadComplete}: what the read brought, and the incomplete message that still misses the most bytes.
 * The chunk layer knows nothing of what messages mean; a handler behind it (read batching) uses this to schedule
 * reads without reaching into the decoder.
 *
 * @param bytesRead wire bytes received since the previous event
 * @param incompleteTypeId the wire type id of the incomplete message, or -1 when no message is incomplete
 * @param incompleteFirstByte its first payload byte (0..255), or -1 when there is none or it has not arrived
 * @param incompleteBytesMissing at least 1 and at most the bytes still to arrive before it is complete (its missing
 *     payload less what waits unread in the decoder; chunk headers and interleaved messages are not counted, so
 *     this never exceeds the true figure); 0 when no message is incomplete
 */
public record ReadProgress(long bytesRead, int incompleteTypeId, int incompleteFirstByte, int incompleteBytesMissing) {
}
