/**
 * One class per OSS operation (wire spec §3 LiveChannel, §7 objects, plus buckets, ACL and CORS). Each runs
 * on the storage executor with an authenticated request and its bucket, blocks on the catalog and the object
 * store, and returns an {@link io.livechannel.api.ApiResponse} or throws an
 * {@link io.livechannel.api.error.OssException}. No Netty channel types.
 */
package io.livechannel.api.route;
