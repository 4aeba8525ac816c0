package io.livechannel.bench.harness;

/**
 * The fast-polled channels' segment fetches in one run (see {@link SegmentViewer}).
 *
 * @param fetched   segments fetched whole with status 200
 * @param errors    fetches that failed (I/O error or another status)
 * @param skipped   segments dropped from a viewer's queue because it was {@value SegmentViewer#MAX_QUEUED} behind
 * @param bytes     bytes of the fetched segments
 * @param p50Millis median time from the poll response that listed a segment to its last byte
 * @param p99Millis 99th percentile of the same
 * @param maxMillis the largest
 */
public record SegmentFetches(long fetched, long errors, long skipped, long bytes, long p50Millis, long p99Millis,
        long maxMillis) {
    public static final SegmentFetches NONE = new SegmentFetches(0, 0, 0, 0, 0, 0, 0);
}
