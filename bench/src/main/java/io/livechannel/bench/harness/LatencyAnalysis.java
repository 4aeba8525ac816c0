package io.livechannel.bench.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Matches each segment sighting with the keyframe that closed it and derives the cut-to-playlist latency: the
 * time from that keyframe leaving the load generator's socket to the poller's first response listing the segment.
 * The closing keyframe is the one whose FLV timestamp is nearest the segment's end media time (sum of EXTINF);
 * with 2 s GOPs a rounding error of tens of milliseconds cannot pick the wrong one, and a match further than
 * {@value #MATCH_TOLERANCE_MILLIS} ms away is counted as unmatched rather than guessed.
 *
 * @param segments          segments matched to a keyframe that was sent
 * @param late              of those, seen more than {@value #LATE_MILLIS} ms after their keyframe was sent
 * @param lateCertain       of those, whose previous (empty-handed) poll was already more than 1 s after the send,
 *                          so they were late whatever the polling interval
 * @param unmatched         sightings with no keyframe near their end time
 * @param closedWithoutKeyframe segments whose closing keyframe was never sent (the last one, flushed on unpublish)
 * @param fastSegments      segments from the fast-polled channels
 * @param fastP50Millis     median latency on the fast-polled channels
 * @param fastP99Millis     99th percentile on the fast-polled channels
 * @param fastMaxMillis     maximum on the fast-polled channels
 * @param allP50Millis      median over all channels (resolution: the slow interval)
 * @param allP99Millis      99th percentile over all channels (resolution: the slow interval)
 */
public record LatencyAnalysis(int segments, int late, int lateCertain, int unmatched, int closedWithoutKeyframe,
        int fastSegments, double fastP50Millis, double fastP99Millis, double fastMaxMillis, double allP50Millis,
        double allP99Millis) {
    /** The definition of a late segment. */
    public static final long LATE_MILLIS = 1000;
    static final long MATCH_TOLERANCE_MILLIS = 500;

    /** When keyframe {@code ordinal} of {@code publisher} was sent ({@code nanoTime}), 0 if it never was. */
    @FunctionalInterface
    public interface KeyframeSendTimes {
        long sentNanos(int publisher, int ordinal);
    }

    public static LatencyAnalysis of(List<SegmentSighting> sightings, long[] keyframeTimestampsMillis,
            KeyframeSendTimes sent, int fastChannels) {
        List<Double> fast = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        int late = 0;
        int lateCertain = 0;
        int unmatched = 0;
        int closedWithoutKeyframe = 0;
        for (SegmentSighting s : sightings) {
            int k = nearest(keyframeTimestampsMillis, s.endMediaMicros() / 1000.0);
            if (Math.abs(keyframeTimestampsMillis[k] - s.endMediaMicros() / 1000.0) > MATCH_TOLERANCE_MILLIS) {
                unmatched++;
                continue;
            }
            long sentNanos = sent.sentNanos(s.publisher(), k);
            if (sentNanos == 0) {
                closedWithoutKeyframe++;
                continue;
            }
            double ms = (s.seenNanos() - sentNanos) / 1e6;
            all.add(ms);
            if (s.publisher() < fastChannels) {
                fast.add(ms);
            }
            if (ms > LATE_MILLIS) {
                late++;
            }
            if ((s.previousPollNanos() - sentNanos) / 1e6 > LATE_MILLIS) {
                lateCertain++;
            }
        }
        double[] f = sorted(fast);
        double[] a = sorted(all);
        return new LatencyAnalysis(a.length, late, lateCertain, unmatched, closedWithoutKeyframe, f.length,
                percentile(f, 0.50), percentile(f, 0.99), f.length == 0 ? Double.NaN : f[f.length - 1],
                percentile(a, 0.50), percentile(a, 0.99));
    }

    /**
     * One CSV line per sighting ({@code publisher,sequence,end_media_ms,closing_keyframe,latency_ms,seen_s}, seen
     * relative to {@code originNanos}); latency is empty when the sighting was not matched to a sent keyframe.
     */
    public static List<String> csv(List<SegmentSighting> sightings, long[] keyframeTimestampsMillis,
            KeyframeSendTimes sent, long originNanos) {
        List<String> lines = new ArrayList<>();
        lines.add("publisher,sequence,end_media_ms,closing_keyframe,latency_ms,seen_s");
        for (SegmentSighting s : sightings) {
            int k = nearest(keyframeTimestampsMillis, s.endMediaMicros() / 1000.0);
            long sentNanos = sent.sentNanos(s.publisher(), k);
            boolean matched = sentNanos != 0
                    && Math.abs(keyframeTimestampsMillis[k] - s.endMediaMicros() / 1000.0) <= MATCH_TOLERANCE_MILLIS;
            lines.add(String.format("%d,%d,%.3f,%d,%s,%.3f", s.publisher(), s.sequence(), s.endMediaMicros() / 1000.0,
                    k, matched ? String.format("%.1f", (s.seenNanos() - sentNanos) / 1e6) : "",
                    (s.seenNanos() - originNanos) / 1e9));
        }
        return lines;
    }

    private static int nearest(long[] sorted, double value) {
        int best = 0;
        for (int i = 1; i < sorted.length; i++) {
            if (Math.abs(sorted[i] - value) < Math.abs(sorted[best] - value)) {
                best = i;
            }
        }
        return best;
    }

    private static double[] sorted(List<Double> values) {
        double[] d = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(d);
        return d;
    }

    /** Nearest-rank percentile; NaN when there are no samples. */
    static double percentile(double[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
