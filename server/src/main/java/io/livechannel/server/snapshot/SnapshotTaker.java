package io.livechannel.server.snapshot;

import io.livechannel.storage.catalog.Snapshot;
import io.livechannel.ts.PesPayload;
import io.netty.buffer.Unpooled;

/**
 * Picks one publish's snapshots: the first keyframe of each Interval window and nothing else. Windows are
 * Interval-long stretches of the publish's media timeline, counted from its first keyframe (so a publisher's
 * timestamps, not the server's arrival times, decide which window a keyframe is in). A keyframe that passes over
 * windows shows that they held no keyframe: they are counted, never snapshotted. Windows after the publish's last
 * keyframe are not counted.
 *
 * <p>Memory: a picked keyframe is copied into a heap array of its own (its Annex B bytes, nothing else) before it is
 * handed to {@link Snapshots}; the packager's buffers and the RTMP message are never kept.
 *
 * <p>Threading: confined to the publish's event loop; it only copies and hands off.
 */
public final class SnapshotTaker {
    private final Snapshots snapshots;
    private final String bucket;
    private final String channel;
    private final Snapshot config;
    private final String logId;
    private final long intervalMillis;
    /** Media time at which the window of the last snapshot started; {@link Long#MIN_VALUE} before the first. */
    private long windowStartMillis = Long.MIN_VALUE;
    /** The time of the last snapshot's key, so that keys strictly increase within the publish. */
    private long lastKeyMillis;

    SnapshotTaker(Snapshots snapshots, String bucket, String channel, Snapshot config, String logId) {
        this.snapshots = snapshots;
        this.bucket = bucket;
        this.channel = channel;
        this.config = config;
        this.logId = logId;
        this.intervalMillis = config.intervalSeconds() * 1000L;
    }

    /**
     * A keyframe was packaged ({@code HlsOutput.keyframePackaged}): snapshots it when it is the first of its window.
     * {@code accessUnit} is read only during this call.
     */
    public void onKeyframe(long dtsMillis, PesPayload accessUnit) {
        if (windowStartMillis == Long.MIN_VALUE) {
            windowStartMillis = dtsMillis;
        } else if (dtsMillis - windowStartMillis < intervalMillis) {
            return; // this window has its snapshot (or the frame is a little behind it)
        } else {
            long windows = (dtsMillis - windowStartMillis) / intervalMillis;
            windowStartMillis += windows * intervalMillis;
            snapshots.windowsWithoutKeyframe(windows - 1);
        }
        byte[] annexB = new byte[accessUnit.length()];
        accessUnit.copyTo(Unpooled.wrappedBuffer(annexB).clear());
        long keyMillis = Math.max(snapshots.wallClockMillis(), lastKeyMillis + 1);
        lastKeyMillis = keyMillis;
        snapshots.submit(new Request(bucket, channel, config, logId, keyMillis, annexB));
    }

    /**
     * One snapshot to take.
     *
     * @param bucket the channel's bucket
     * @param timeMillis wall-clock time the keyframe arrived at (epoch milliseconds): the key's name and the
     *     notification's time
     * @param annexB the keyframe, owned by the request
     */
    record Request(String bucket, String channel, Snapshot config, String logId, long timeMillis, byte[] annexB) {
    }
}
