package io.livechannel.hls;

import io.livechannel.ts.PesPayload;
import io.livechannel.ts.TsClock;
import io.livechannel.ts.TsWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.LongSupplier;

/**
 * The segments of one publish session, in order: opens a segment (PAT/PMT first), writes frames into it, cuts it
 * when the {@link Segmenter} says so, and hands each finished segment, then the updated {@link LivePlaylist}, to the
 * {@link HlsOutput}.
 *
 * <p>Owns the open segment's buffer until {@code segmentReady} takes it. Not thread-safe.
 */
final class SegmentStream {
    /** Offset added to every media timestamp so PCR (DTS − 100 ms) stays positive at the start: 1 s. */
    static final long TIMESTAMP_OFFSET_TICKS = TsClock.HZ;
    private static final int MIN_SEGMENT_CAPACITY = 64 * 1024;

    private final HlsSettings settings;
    private final HlsOutput output;
    private final LongSupplier wallClockMillis;
    private final ByteBufAllocator allocator;
    private final Segmenter segmenter;
    private final LivePlaylist playlist;
    private final TsWriter ts = new TsWriter();

    private OpenSegment segment;
    private boolean nextIsDiscontinuity;
    private int lastTrackMask;
    private long lastKeyMillis = Long.MIN_VALUE;
    private long lastSegmentBytes;
    /** Media ms to PTS-timeline ms, set when the first segment opens; see {@link #ticks}. */
    private long timestampBaseMillis;
    private boolean timestampBaseSet;
    /** End (media ms) of the newest emitted segment. */
    private long timelineEndMillis;
    /** Largest video PTS written and the latest DTS step (one frame), to place the next publish after it. */
    private long maxVideoPtsMillis = Long.MIN_VALUE;
    private long lastVideoDtsMillis = Long.MIN_VALUE;
    private long videoFrameMillis;
    private final long restoredTimestampFloorMillis;

    SegmentStream(HlsSettings settings, HlsOutput output, LongSupplier wallClockMillis, ByteBufAllocator allocator,
                  PlaylistState restored) {
        this.settings = settings;
        this.output = output;
        this.wallClockMillis = wallClockMillis;
        this.allocator = allocator;
        this.segmenter = new Segmenter(settings);
        this.playlist = new LivePlaylist(settings, restored);
        // A new publish after earlier segments is a discontinuity (nginx-rtmp does the same).
        this.nextIsDiscontinuity = restored.nextMediaSequence() > 0;
        this.restoredTimestampFloorMillis = restored.nextTimestampMillis();
    }

    /** The open segment, or null before the first frame. */
    OpenSegment current() {
        return segment;
    }

    Segmenter segmenter() {
        return segmenter;
    }

    /** The counters to persist, with the end of this publish's PTS timeline for the next publish. */
    PlaylistState state() {
        // After the last frame in display order too: with B-frames the last PTS lies beyond the DTS-based end, and
        // a next publish starting there would show its first frames before this one's last.
        long endMillis = maxVideoPtsMillis == Long.MIN_VALUE ? timelineEndMillis
                : Math.max(timelineEndMillis, maxVideoPtsMillis + videoFrameMillis);
        long end = timestampBaseSet ? timestampBaseMillis + endMillis : restoredTimestampFloorMillis;
        return playlist.state().withNextTimestampMillis(Math.max(0, end));
    }

    /**
     * Makes sure a segment is open for a frame at {@code dtsMillis}: cuts the open one first if the rule says so,
     * then opens one declaring {@code trackMask} ({@link Tracks#VIDEO} / {@link Tracks#AUDIO}) if none is open.
     */
    OpenSegment prepare(long dtsMillis, boolean isRandomAccess, int trackMask) {
        if (segment != null) {
            CutReason reason = segmenter.cutBefore(dtsMillis, isRandomAccess, segment.buffer.readableBytes());
            if (reason == null) {
                return segment;
            }
            OpenSegment done = segment;
            segment = null;
            emit(done, dtsMillis, reason, false);
            nextIsDiscontinuity |= reason.nextIsDiscontinuity();
        }
        open(dtsMillis, trackMask);
        return segment;
    }

    void writeVideo(PesPayload accessUnit, long ptsMillis, long dtsMillis, boolean keyframe) {
        maxVideoPtsMillis = Math.max(maxVideoPtsMillis, ptsMillis);
        if (lastVideoDtsMillis != Long.MIN_VALUE && dtsMillis > lastVideoDtsMillis) {
            videoFrameMillis = dtsMillis - lastVideoDtsMillis;
        }
        lastVideoDtsMillis = dtsMillis;
        ts.writeVideo(segment.buffer, accessUnit, ticks(ptsMillis), ticks(dtsMillis), keyframe);
    }

    void writeAudio(PesPayload adtsFrame, long ptsTicks) {
        ts.writeAudio(segment.buffer, adtsFrame, ptsTicks);
    }

    /**
     * Ends the publish: emits the open segment and a playlist with {@code #EXT-X-ENDLIST}; if no segment is open
     * but some were emitted, only the final playlist; if none ever was, nothing.
     */
    void finish() {
        if (segment != null) {
            OpenSegment last = segment;
            segment = null;
            emit(last, last.endMillis(), CutReason.PUBLISH_END, true);
        } else if (playlist.hasSegments()) {
            playlist.end();
            output.playlistReady(settings.playlistObjectKey(), playlist.render(), state());
        }
    }

    /**
     * 90 kHz ticks (unwrapped; the writer keeps 33 bits) of a media time. PTS/DTS continue from the previous
     * publish's end (or start at the wall clock), so timestamps keep increasing across republishes: players and
     * ffmpeg read a VoD playlist spanning several publishes without "non monotonically increasing dts" at the
     * discontinuities (ffmpeg ignores {@code #EXT-X-DISCONTINUITY}).
     */
    long ticks(long mediaMillis) {
        return TsClock.ticksOfMillis(mediaMillis + timestampBaseMillis) + TIMESTAMP_OFFSET_TICKS;
    }

    private void open(long firstMillis, int trackMask) {
        long wallMillis = wallClockMillis.getAsLong();
        if (!timestampBaseSet) {
            timestampBaseSet = true;
            // Continue exactly where the previous publish ended when that is known (same server run): the timeline
            // has no hole, so a VoD playlist over both lasts exactly the sum of its segments. Otherwise start at the
            // wall clock, which is ahead of any earlier publish's PTS as long as it was pushed in real time.
            long start = restoredTimestampFloorMillis > 0 ? restoredTimestampFloorMillis : wallMillis;
            timestampBaseMillis = start - firstMillis;
        }
        // Segment names must strictly increase even if two segments start within one millisecond.
        long keyMillis = Math.max(wallMillis, lastKeyMillis + 1);
        lastKeyMillis = keyMillis;
        // A PMT with another track set is a new elementary stream layout for players: signal it.
        boolean discontinuity = nextIsDiscontinuity || (lastTrackMask != 0 && lastTrackMask != trackMask);
        int capacity = (int) Math.min(Math.max(MIN_SEGMENT_CAPACITY, lastSegmentBytes + lastSegmentBytes / 8),
                settings.limits().maxSegmentBytes());
        ByteBuf buffer = allocator.buffer(capacity);
        segment = new OpenSegment(buffer, settings.segmentObjectKey(keyMillis), wallMillis, firstMillis,
                playlist.nextMediaSequence(), discontinuity, trackMask);
        ts.writeTables(buffer, segment.hasVideo(), segment.hasAudio());
        segmenter.started(firstMillis);
        nextIsDiscontinuity = false;
        lastTrackMask = trackMask;
    }

    /** Hands a finished segment and the updated playlist to the output; the segment buffer leaves our ownership. */
    private void emit(OpenSegment done, long endMillis, CutReason reason, boolean endOfPublish) {
        long durationMicros = Math.max(0, endMillis - done.firstMillis) * 1000;
        SegmentInfo info;
        try {
            info = new SegmentInfo(settings.channelName(), done.objectKey, done.startTimeMillis, durationMicros,
                    done.mediaSequence, done.discontinuity, done.buffer.readableBytes(), reason);
            playlist.checkNext(info);
        } catch (RuntimeException e) {
            done.buffer.release(); // still ours: the hand-off did not happen
            throw e;
        }
        lastSegmentBytes = info.sizeBytes();
        timelineEndMillis = Math.max(timelineEndMillis, endMillis);
        boolean accepted = output.segmentReady(info, done.buffer);
        if (accepted) {
            playlist.add(info);
        } else {
            // Not listed, so its media sequence number goes to the next segment, which follows a hole.
            nextIsDiscontinuity = true;
        }
        if (endOfPublish) {
            playlist.end();
        }
        if (accepted || (endOfPublish && playlist.hasSegments())) {
            output.playlistReady(settings.playlistObjectKey(), playlist.render(), state());
        }
    }
}
