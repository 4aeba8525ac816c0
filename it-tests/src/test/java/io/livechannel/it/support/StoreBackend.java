package io.livechannel.it.support;

/** The two object stores the server supports; every journey runs on both ({@code _fileSystem}, {@code _s3}). */
public enum StoreBackend {
    /** {@code --store filesystem}, under the data dir (the default). */
    FILE_SYSTEM,
    /** {@code --store s3} against an in-process {@link S3ProxyServer}. */
    S3
}
