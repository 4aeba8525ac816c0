package io.livechannel.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyAnalysisTest {
    private static final long MS = 1_000_000L;
    /** Keyframes every 2 s, as in the load FLV (the first at 0). */
    private static final long[] KEYFRAMES = {0, 2000, 4000, 6000, 8000};

    /** Publisher p sent keyframe k at (k * 2000 + p) ms; keyframe 4 was never sent (the publisher stopped). */
    private static long sent(int publisher, int ordinal) {
        return ordinal == 4 ? 0 : (ordinal * 2000L + publisher) * MS + 1_000_000_000L;
    }

    private static SegmentSighting seen(int publisher, long sequence, long endMillis, long latencyMillis,
            long sincePreviousPollMillis) {
        int ordinal = (int) Math.round(endMillis / 2000.0);
        long seenNanos = sent(publisher, ordinal) + latencyMillis * MS;
        return new SegmentSighting(publisher, sequence, endMillis * 1000, seenNanos,
                seenNanos - sincePreviousPollMillis * MS);
    }

    @Test
    void measuresFromTheClosingKeyframeAndCountsLateSegments() {
        List<SegmentSighting> s = List.of(
                seen(0, 0, 2000, 30, 10),    // closed by keyframe 1, seen 30 ms after it was sent
                seen(0, 1, 4000, 40, 10),
                seen(1, 0, 2010, 1200, 100), // EXTINF rounding: 10 ms off; late, and late before the previous poll
                seen(1, 1, 3990, 1100, 500)); // late as polled, but the previous poll was only 600 ms after the send

        LatencyAnalysis a = LatencyAnalysis.of(s, KEYFRAMES, LatencyAnalysisTest::sent, 1);

        assertThat(a.segments()).isEqualTo(4);
        assertThat(a.late()).isEqualTo(2);
        assertThat(a.lateCertain()).isEqualTo(1);
        assertThat(a.fastSegments()).isEqualTo(2);
        assertThat(a.fastP50Millis()).isEqualTo(30.0);
        assertThat(a.fastMaxMillis()).isEqualTo(40.0);
        assertThat(a.allP99Millis()).isEqualTo(1200.0);
    }

    @Test
    void leavesOutSegmentsClosedWithoutASentKeyframeAndEndsFarFromAnyKeyframe() {
        List<SegmentSighting> s = List.of(
                new SegmentSighting(0, 3, 8_000_000, 5_000_000_000L, 4_990_000_000L), // keyframe 4 never sent
                new SegmentSighting(0, 4, 11_000_000, 5_000_000_000L, 4_990_000_000L)); // 3 s from keyframe 4

        LatencyAnalysis a = LatencyAnalysis.of(s, KEYFRAMES, LatencyAnalysisTest::sent, 1);

        assertThat(a.segments()).isZero();
        assertThat(a.closedWithoutKeyframe()).isEqualTo(1);
        assertThat(a.unmatched()).isEqualTo(1);
        assertThat(a.late()).isZero();
    }
}
