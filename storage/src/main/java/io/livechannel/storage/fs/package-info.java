/**
 * The filesystem object store, the embedded default: one directory per bucket, one file per object (header
 * with the attributes, then the content), written to a hidden temporary file, fsynced and atomically renamed,
 * so that a crash at any moment leaves no partial object visible. Depends only on the JDK and
 * {@code io.livechannel.storage}.
 */
package io.livechannel.storage.fs;
