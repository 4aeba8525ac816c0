package io.livechannel.bench.harness;

import io.livechannel.bench.load.LoadReport;

/**
 * Everything measured for one target in one run.
 *
 * @param target          target name
 * @param load            the load generator's report
 * @param windowSeconds   length of the measurement window (start of ramp to end of measure)
 * @param windowBytes     bytes the publishers wrote in the window
 * @param cpuSeconds      CPU seconds of the server's process tree in the window
 * @param rssBaseline     RSS before the load
 * @param rssPeak         RSS at the end of the window, all publishers connected
 * @param heapBaseline    live heap before the load (after a forced GC), -1 if not a JVM
 * @param heapPeak        live heap at the end of the window (after a forced GC), -1 if not a JVM
 * @param publishing      publishers still publishing when memory was read
 * @param latency         late segments and cut-to-playlist latency
 * @param pollRequests    playlist GETs sent by the poller
 * @param pollErrors      failed playlist GETs
 * @param pollGaps        channels the poller lost track of
 * @param threadCpu       CPU seconds (user, system) in the window per thread-name group, largest first
 * @param pollP50Millis   median request-to-response time of the playlist polls
 * @param pollP99Millis   99th percentile of the same
 * @param segmentFetches  the fast-polled channels' fetches of each new segment, as a player makes them
 * @param afterRamp       the same CPU and bytes counted from the end of the ramp to the end of the window: every
 *                        publisher connected, no new channel starting (steady state)
 */
public record TargetResult(String target, LoadReport load, double windowSeconds, long windowBytes,
        double cpuSeconds, long rssBaseline, long rssPeak, long heapBaseline, long heapPeak, int publishing,
        LatencyAnalysis latency, long pollRequests, long pollErrors, long pollGaps,
        java.util.List<java.util.Map.Entry<String, double[]>> threadCpu, long pollP50Millis, long pollP99Millis,
        SegmentFetches segmentFetches, Phase afterRamp) {
    private static final double GB = 1e9;

    /**
     * CPU and ingest over part of the window.
     *
     * @param seconds    its length
     * @param bytes      bytes the publishers wrote in it
     * @param cpuSeconds CPU seconds of the server's process tree in it
     * @param threadCpu  CPU seconds (user, system) in it per thread-name group, largest first
     */
    public record Phase(double seconds, long bytes, double cpuSeconds,
            java.util.List<java.util.Map.Entry<String, double[]>> threadCpu) {
        public double cpuSecondsPerGb() {
            return bytes == 0 ? Double.NaN : cpuSeconds / (bytes / GB);
        }
    }

    public double cpuSecondsPerGb() {
        return windowBytes == 0 ? Double.NaN : cpuSeconds / (windowBytes / GB);
    }

    public double rssPerPublisherKb() {
        return publishing == 0 ? Double.NaN : (rssPeak - rssBaseline) / 1024.0 / publishing;
    }

    public double heapPerPublisherKb() {
        return heapPeak < 0 || heapBaseline < 0 || publishing == 0 ? Double.NaN
                : (heapPeak - heapBaseline) / 1024.0 / publishing;
    }

    /** CPU use in the window as a share of one core. */
    public double coreShare() {
        return cpuSeconds / windowSeconds;
    }
}
