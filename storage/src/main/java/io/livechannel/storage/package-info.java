/**
 * Object storage: the {@link io.livechannel.storage.ObjectStore} port and its values. Buckets are flat key
 * spaces of UTF-8 keys (1..1023 bytes). Implementations live in {@code .fs} and {@code .s3}; this package
 * depends on nothing else of livechannel.
 */
package io.livechannel.storage;
