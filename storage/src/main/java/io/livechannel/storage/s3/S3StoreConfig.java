package io.livechannel.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach an S3-compatible service. {@link #toString()} never shows the secret.
 *
 * @param endpoint for example {@code http://127.0.0.1:9000} (MinIO) or {@code https://oss-cn-hangzhou.aliyuncs.com}
 * @param region signing region; {@code us-east-1} for most S3-compatible servers
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key} (MinIO, Ceph,
 *                  S3Proxy need it; AWS and OSS accept virtual-host style)
 * @param spoolDir where objects of unknown length are staged before upload (S3 needs the length up front)
 * @param callTimeout bound on one whole API call including the SDK's own retries
 */
public record S3StoreConfig(URI endpoint, String region, String accessKeyId, String secretAccessKey,
                            boolean pathStyle, Path spoolDir, Duration callTimeout) {
    /** Long enough for a 10 MB segment on a slow uplink, short enough that an outage surfaces quickly. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

    public S3StoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        spoolDir = spoolDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : spoolDir;
        callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
        }
    }

    public static S3StoreConfig of(URI endpoint, String region, String accessKeyId, String secretAccessKey,
                                   boolean pathStyle) {
        return new S3StoreConfig(endpoint, region, accessKeyId, secretAccessKey, pathStyle, null, null);
    }

    @Override
    public String toString() {
        return "S3StoreConfig[endpoint=" + endpoint + ", region=" + region + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=***, pathStyle=" + pathStyle + ", spoolDir=" + spoolDir
                + ", callTimeout=" + callTimeout + "]";
    }
}
