/**
 * The S3-compatible object store on the AWS SDK v2 (AWS S3, MinIO, Ceph RGW, Alibaba OSS's S3-compatible
 * endpoint). Bucket names map 1:1 to S3 buckets. Depends on the AWS SDK and {@code io.livechannel.storage} only;
 * every call blocks, so the server runs it on its storage executor.
 */
package io.livechannel.storage.s3;
