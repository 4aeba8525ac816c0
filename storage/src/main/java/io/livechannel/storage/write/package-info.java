/**
 * The ordered, retrying write pipeline for live output: {@link io.livechannel.storage.write.ObjectWriteQueue}
 * writes segments and playlists to an {@link io.livechannel.storage.ObjectStore} in submission order per channel,
 * retries failures with backoff, spools the bytes of a remote store's backlog to the local data dir, and bounds
 * the backlog. Depends on the JDK and {@code io.livechannel.storage} only (not on Netty: callers hand over a
 * {@link java.nio.ByteBuffer} view and a release callback).
 */
package io.livechannel.storage.write;
