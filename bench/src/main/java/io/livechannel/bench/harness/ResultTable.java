package io.livechannel.bench.harness;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Renders the results of one run as a Markdown table: one row per metric, one column per target, and a ratio
 * column (first target / second target) when there are two.
 */
final class ResultTable {
    private ResultTable() {
    }

    static String render(List<TargetResult> results) {
        StringBuilder sb = new StringBuilder("| metric |");
        for (TargetResult r : results) {
            sb.append(' ').append(r.target()).append(" |");
        }
        boolean ratio = results.size() == 2;
        if (ratio) {
            sb.append(' ').append(results.get(0).target()).append(" / ").append(results.get(1).target()).append(" |");
        }
        sb.append("\n|---|").append("---:|".repeat(results.size() + (ratio ? 1 : 0))).append('\n');
        row(sb, results, ratio, "publishes accepted / started", r -> r.load().accepted(), "%.0f",
                r -> r.load().publishers());
        row(sb, results, ratio, "publishers completed", r -> r.load().completed(), "%.0f", null);
        row(sb, results, ratio, "window (s)", TargetResult::windowSeconds, "%.1f", null);
        row(sb, results, ratio, "ingested in window (MB)", r -> r.windowBytes() / 1e6, "%.1f", null);
        row(sb, results, ratio, "ingest rate in window (Mbit/s)", r -> r.windowBytes() * 8 / 1e6 / r.windowSeconds(),
                "%.1f", null);
        row(sb, results, ratio, "server CPU in window (s)", TargetResult::cpuSeconds, "%.2f", null);
        row(sb, results, ratio, "server CPU (share of one core)", TargetResult::coreShare, "%.2f", null);
        row(sb, results, ratio, "**CPU seconds per GB ingested**", TargetResult::cpuSecondsPerGb, "%.2f", null);
        row(sb, results, ratio, "CPU seconds per GB after the ramp (all publishers connected)",
                r -> r.afterRamp().cpuSecondsPerGb(), "%.2f", null);
        row(sb, results, ratio, "RSS before load (MB)", r -> r.rssBaseline() / 1e6, "%.1f", null);
        row(sb, results, ratio, "RSS with all publishers (MB)", r -> r.rssPeak() / 1e6, "%.1f", null);
        row(sb, results, ratio, "RSS per publisher (KB)", TargetResult::rssPerPublisherKb, "%.1f", null);
        row(sb, results, ratio, "live heap per publisher after full GC (KB)", TargetResult::heapPerPublisherKb,
                "%.1f", null);
        row(sb, results, ratio, "segments matched to a sent keyframe", r -> r.latency().segments(), "%.0f", null);
        row(sb, results, ratio, "**late segments (> 1 s, as polled)**", r -> r.latency().late(), "%.0f", null);
        row(sb, results, ratio, "late segments (> 1 s whatever the poll interval)", r -> r.latency().lateCertain(),
                "%.0f", null);
        row(sb, results, ratio, "cut-to-playlist p50, fast-polled channels (ms)", r -> r.latency().fastP50Millis(),
                "%.1f", null);
        row(sb, results, ratio, "**cut-to-playlist p99, fast-polled channels (ms)**",
                r -> r.latency().fastP99Millis(), "%.1f", null);
        row(sb, results, ratio, "cut-to-playlist max, fast-polled channels (ms)", r -> r.latency().fastMaxMillis(),
                "%.1f", null);
        row(sb, results, ratio, "segments on fast-polled channels", r -> r.latency().fastSegments(), "%.0f", null);
        row(sb, results, ratio, "cut-to-playlist p50 / p99, all channels (ms)", r -> r.latency().allP50Millis(),
                "%.0f", r -> r.latency().allP99Millis());
        row(sb, results, ratio, "unmatched / closed-without-keyframe sightings", r -> r.latency().unmatched(), "%.0f",
                r -> r.latency().closedWithoutKeyframe());
        row(sb, results, ratio, "playlist polls / errors / lost channels", TargetResult::pollRequests, "%.0f",
                TargetResult::pollErrors);
        row(sb, results, ratio, "playlist poll response time p50 / p99 (ms)", TargetResult::pollP50Millis, "%.0f",
                TargetResult::pollP99Millis);
        row(sb, results, ratio, "new segments fetched / failed, fast-polled channels",
                r -> r.segmentFetches().fetched(), "%.0f", r -> r.segmentFetches().errors());
        row(sb, results, ratio, "listed-to-last-byte p50 / p99 of a new segment (ms)",
                r -> r.segmentFetches().p50Millis(), "%.0f", r -> r.segmentFetches().p99Millis());
        row(sb, results, ratio, "listed-to-last-byte max of a new segment (ms)", r -> r.segmentFetches().maxMillis(),
                "%.0f", null);
        row(sb, results, ratio, "pacing lag p50 / p99 (ms)", r -> r.load().pacingLagP50Millis(), "%.0f",
                r -> r.load().pacingLagP99Millis());
        row(sb, results, ratio, "pacing lag max (ms)", r -> r.load().pacingLagMaxMillis(), "%.0f", null);
        sb.append('\n');
        for (TargetResult r : results) {
            threadGroups(sb, "CPU in window by thread group, ", r.target(), r.threadCpu());
            threadGroups(sb, "CPU after the ramp by thread group, ", r.target(), r.afterRamp().threadCpu());
        }
        return sb.toString();
    }

    private static void threadGroups(StringBuilder sb, String title, String target,
            List<java.util.Map.Entry<String, double[]>> threadCpu) {
        sb.append(title).append(target).append(" (user+system s):");
        threadCpu.stream().limit(8).forEach(e -> sb.append(String.format(" %s %.2f+%.2f;", e.getKey(),
                e.getValue()[0], e.getValue()[1])));
        sb.append('\n');
    }

    private static void row(StringBuilder sb, List<TargetResult> results, boolean ratio, String name,
            ToDoubleFunction<TargetResult> value, String format, ToDoubleFunction<TargetResult> second) {
        sb.append("| ").append(name).append(" |");
        for (TargetResult r : results) {
            sb.append(' ').append(String.format(format, value.applyAsDouble(r)));
            if (second != null) {
                sb.append(" / ").append(String.format(format, second.applyAsDouble(r)));
            }
            if (name.startsWith("playlist polls")) {
                sb.append(" / ").append(r.pollGaps());
            }
            sb.append(" |");
        }
        if (ratio) {
            double a = value.applyAsDouble(results.get(0));
            double b = value.applyAsDouble(results.get(1));
            sb.append(second == null && b != 0 && !Double.isNaN(a) && !Double.isNaN(b)
                    ? String.format(" %.2f", a / b) : " ").append(" |");
        }
        sb.append('\n');
    }
}
