/**
 * The filesystem object store, the embedded default: one directory per bucket, one file per object (header
 * with the attributes, then the content), written to a hidden temporary file (through the page cache, or for
 * live output with {@code O_DIRECT}: {@link io.livechannel.storage.fs.DirectIo}), fsynced per {@link io.livechannel.storage.fs.FsyncPolicy} and
 * atomically renamed, so that a crash at any moment leaves no partial object visible. Depends on the JDK, SLF4J,
 * Micrometer (one put timer) and {@code io.livechannel.storage}.
 */
package io.livechannel.storage.fs;
