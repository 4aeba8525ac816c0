package io.livechannel.api;

/**
 * Pages the HTTP port serves beside the OSS API, from memory: the web console. A module-boundary port (STYLE B1):
 * {@code server} implements it with the files it ships.
 *
 * <p>A path-style request whose first path segment is {@link #pathSegment()} is answered by {@link #answer} and
 * never reaches the API. The segment is one no bucket name can take (bucket names are lower-case letters, digits
 * and hyphens), so no bucket is shadowed; a virtual-hosted request with that path is an object key and goes to the
 * API as always.
 *
 * <p>Threading: {@link #answer} runs on an event loop, so it must only read memory. Implementations are
 * immutable and thread-safe.
 */
public interface StaticPages {
    /** The first path segment the pages live under, e.g. {@code _console}. */
    String pathSegment();

    /**
     * The answer to a request under {@link #pathSegment()}: the file, 304, 404 or 405; never null.
     *
     * @param request its {@link OssRequest#key()} is the path below the segment, decoded ({@code ""} for the
     *     segment itself)
     */
    ApiResponse answer(OssRequest request);
}
