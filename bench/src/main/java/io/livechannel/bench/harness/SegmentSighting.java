package io.livechannel.bench.harness;

/**
 * The first time the poller saw one segment in a channel's live playlist.
 *
 * @param publisher          index of the publisher (and channel)
 * @param sequence           media sequence number of the segment
 * @param endMediaMicros     sum of the EXTINF durations up to and including this segment, since the first segment
 *                           of the publish: the media time of the keyframe that closed it
 * @param seenNanos          {@code nanoTime} when the response that first listed it arrived
 * @param previousPollNanos  {@code nanoTime} when the previous request (whose response lacked it) was sent; the
 *                           segment appeared after this, so {@code seenNanos - previousPollNanos} bounds the error
 */
public record SegmentSighting(int publisher, long sequence, long endMediaMicros, long seenNanos,
        long previousPollNanos) {
}
