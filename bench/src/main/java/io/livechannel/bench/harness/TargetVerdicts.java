package io.livechannel.bench.harness;

import java.util.List;

/**
 * Checks livechannel's result of one run against the targets of issue 9 and renders one line per target.
 * The targets are stated for 500 publishers at 2 Mbit/s for at least 60 s on this 2-core machine; a smaller
 * run is checked by the same rules but says so in its header.
 */
final class TargetVerdicts {
    static final double MAX_CPU_RATIO = 0.5;
    static final double MAX_P99_MILLIS = 50;
    static final double MAX_HEAP_PER_PUBLISHER_KB = 300;
    static final long MAX_RSS_BYTES = 1L << 30;

    private TargetVerdicts() {
    }

    static String render(List<TargetResult> results) {
        TargetResult ours = find(results, "livechannel");
        if (ours == null) {
            return "";
        }
        TargetResult nginx = find(results, "nginx-rtmp");
        StringBuilder sb = new StringBuilder(String.format("Targets (livechannel, %d publishers):%n",
                ours.load().publishers()));
        if (nginx != null) {
            double ratio = ours.cpuSecondsPerGb() / nginx.cpuSecondsPerGb();
            line(sb, ratio <= MAX_CPU_RATIO, String.format("CPU per GB ingested %.2f x nginx-rtmp (target <= %.1f; "
                    + "after the ramp %.2f x)", ratio, MAX_CPU_RATIO,
                    ours.afterRamp().cpuSecondsPerGb() / nginx.afterRamp().cpuSecondsPerGb()));
        }
        line(sb, ours.load().accepted() == ours.load().publishers()
                        && ours.load().completed() == ours.load().publishers(),
                String.format("publishes accepted %d/%d, completed %d", ours.load().accepted(),
                        ours.load().publishers(), ours.load().completed()));
        line(sb, ours.latency().late() == 0, String.format("late segments %d as polled, %d whatever the poll "
                + "interval, of %d (target 0)", ours.latency().late(), ours.latency().lateCertain(),
                ours.latency().segments()));
        line(sb, ours.latency().fastP99Millis() < MAX_P99_MILLIS, String.format(
                "cut-to-playlist p99 %.1f ms on the fast-polled channels (target < %.0f ms)",
                ours.latency().fastP99Millis(), MAX_P99_MILLIS));
        line(sb, ours.heapPerPublisherKb() < MAX_HEAP_PER_PUBLISHER_KB, String.format(
                "live heap per publisher %.1f KB (target < %.0f KB)", ours.heapPerPublisherKb(),
                MAX_HEAP_PER_PUBLISHER_KB));
        line(sb, ours.rssPeak() < MAX_RSS_BYTES, String.format("RSS with all publishers %.0f MB (target < 1 GiB)",
                ours.rssPeak() / 1e6));
        return sb.toString();
    }

    private static void line(StringBuilder sb, boolean met, String text) {
        sb.append("- ").append(met ? "met: " : "MISSED: ").append(text).append('\n');
    }

    private static TargetResult find(List<TargetResult> results, String name) {
        return results.stream().filter(r -> r.target().equals(name)).findFirst().orElse(null);
    }
}
