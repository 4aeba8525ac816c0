package io.livechannel.hls;

import io.livechannel.codec.aac.AdtsHeader;
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
 * <p>Audio: consecutive AAC frames share one PES, as ffmpeg and nginx-rtmp write them, up to
 * {@value #MAX_AUDIO_PES_MILLIS} ms of sound and {@value #MAX_AUDIO_PES_BYTES} bytes. A PES per frame (one ~370-byte
 * frame at 128 kbit/s fills three TS packets, 564 bytes) spent a quarter of the audio's bytes on headers and
 * stuffing and as many PES as frames. The span keeps an audio-only stream's PCR, carried by each audio PES, under
 * the 100 ms of ISO/IEC 13818-1 §2.7.2. A frame that does not continue the waiting ones (a timestamp jump) starts
 * a new PES, since a decoder times every frame of a PES from the first one's PTS. Waiting frames are written
 * before the segment is cut and at the end of the publish, so they stay in the segment their time belongs to.
 *
 * <p>Owns the open segment's buffer until {@code segmentReady} takes it. Not thread-safe.
 */
final class SegmentStream {
    /** Offset added to every media timestamp so PCR (DTS − 100 ms) stays positive at the start: 1 s. */
    static final long TIMESTAMP_OFFSET_TICKS = TsClock.HZ;
    private static final int MIN_SEGMENT_CAPACITY = 64 * 1024;
    /** PAT and PMT, at the start of every segment. */
    private static final int TABLES_BYTES = 2 * TsWriter.PACKET_SIZE;
    /** Longest span of sound in one audio PES (first frame's start to last frame's end). */
    static final int MAX_AUDIO_PES_MILLIS = 90;
    /** Largest audio PES payload made of several frames (ffmpeg's mpegts muxer uses 2930 bytes too). */
    static final int MAX_AUDIO_PES_BYTES = 2930;
    /** A frame continues the waiting ones when its PTS is within this of their end (AudioClock rounding). */
    private static final long AUDIO_CONTINUITY_TICKS = 2;

    private final HlsSettings settings;
    private final HlsOutput output;
    private final LongSupplier wallClockMillis;
    private final ByteBufAllocator allocator;
    private final Segmenter segmenter;
    private final LivePlaylist playlist;
    private final TsWriter ts = new TsWriter();
    /**
     * ADTS frames waiting to share one PES: taken from the allocator at the first audio frame, reused, released by
     * {@link #finish}. From the allocator and not a heap array so that the TS writer copies from one kind of
     * buffer: a heap buffer there made the copy of every video packet 15 % slower in {@code TsMuxerBenchmark}
     * (the JIT's type profile of the copy's source).
     */
    private ByteBuf pendingAudio;
    private long pendingAudioPtsTicks;
    private long pendingAudioEndTicks;

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
     * Whether a frame of {@code payloadBytes} (Annex B access unit, or ADTS frame) fits a segment of its own within
     * {@code maxSegmentBytes}; a frame that does not must be dropped, as no cut can make room for it.
     */
    boolean fitsEmptySegment(int payloadBytes) {
        return TABLES_BYTES + TsWriter.maxBytesOfPes(payloadBytes) <= settings.limits().maxSegmentBytes();
    }

    /**
     * Makes sure a segment is open for a frame at {@code dtsMillis} of {@code payloadBytes} (which
     * {@link #fitsEmptySegment} accepted): cuts the open one first if the rule says so, then opens one declaring
     * {@code trackMask} ({@link Tracks#VIDEO} / {@link Tracks#AUDIO}) if none is open.
     */
    OpenSegment prepare(long dtsMillis, boolean isRandomAccess, int trackMask, int payloadBytes) {
        if (segment != null) {
            long waitingAudio = pendingAudio != null && pendingAudio.isReadable()
                    ? TsWriter.maxBytesOfPes(pendingAudio.readableBytes()) : 0;
            long bytesWithFrame = segment.buffer.readableBytes() + waitingAudio
                    + TsWriter.maxBytesOfPes(payloadBytes);
            CutReason reason = segmenter.cutBefore(dtsMillis, isRandomAccess, bytesWithFrame);
            if (reason == null) {
                return segment;
            }
            flushAudio();
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

    /**
     * Adds one AAC frame (its ADTS header, then the raw frame; neither retained nor moved) to the open segment's
     * waiting audio, writing the waiting frames as one PES first when this frame cannot join them.
     *
     * @param frameTicks the frame's duration in 90 kHz ticks
     */
    void writeAudio(ByteBuf adtsHeader, ByteBuf rawFrame, long ptsTicks, long frameTicks) {
        int bytes = adtsHeader.readableBytes() + rawFrame.readableBytes();
        if (pendingAudio == null) {
            pendingAudio = allocator.buffer(MAX_AUDIO_PES_BYTES + AdtsHeader.MAX_FRAME_LENGTH_BYTES);
        }
        if (pendingAudio.isReadable()
                && (Math.abs(ptsTicks - pendingAudioEndTicks) > AUDIO_CONTINUITY_TICKS
                        || pendingAudio.readableBytes() + bytes > MAX_AUDIO_PES_BYTES
                        || ptsTicks + frameTicks - pendingAudioPtsTicks
                                > MAX_AUDIO_PES_MILLIS * TsClock.TICKS_PER_MILLI)) {
            flushAudio();
        }
        if (!pendingAudio.isReadable()) {
            pendingAudioPtsTicks = ptsTicks;
        }
        pendingAudio.writeBytes(adtsHeader, adtsHeader.readerIndex(), adtsHeader.readableBytes());
        pendingAudio.writeBytes(rawFrame, rawFrame.readerIndex(), rawFrame.readableBytes());
        pendingAudioEndTicks = ptsTicks + frameTicks;
    }

    /** Writes the waiting audio frames, if any, as one PES into the open segment. */
    private void flushAudio() {
        if (pendingAudio != null && pendingAudio.isReadable()) {
            ts.writeAudio(segment.buffer, pendingAudio, pendingAudioPtsTicks);
            pendingAudio.clear();
        }
    }

    /**
     * Ends the publish: emits the open segment and a playlist with {@code #EXT-X-ENDLIST}; if no segment is open
     * but some were emitted, only the final playlist; if none ever was, nothing.
     */
    void finish() {
        try {
            if (segment != null) {
                flushAudio();
                OpenSegment last = segment;
                segment = null;
                emit(last, last.endMillis(), CutReason.PUBLISH_END, true);
            } else if (playlist.hasSegments()) {
                playlist.end();
                output.playlistReady(settings.playlistObjectKey(), playlist.render(), state());
            }
        } finally {
            if (pendingAudio != null) {
                pendingAudio.release();
                pendingAudio = null;
            }
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
        int maxBytes = (int) settings.limits().maxSegmentBytes();
        int capacity = (int) Math.min(Math.max(MIN_SEGMENT_CAPACITY, lastSegmentBytes + lastSegmentBytes / 8),
                maxBytes);
        // The cut rule keeps a segment within maxSegmentBytes; the buffer's own cap makes that a hard bound.
        ByteBuf buffer = allocator.buffer(capacity, maxBytes);
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
