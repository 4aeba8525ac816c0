package io.livechannel.hls;

import io.livechannel.codec.MalformedMediaException;
import io.livechannel.codec.aac.AdtsHeader;
import io.livechannel.codec.aac.AudioSpecificConfig;
import io.livechannel.codec.h264.AvcDecoderConfigurationRecord;
import io.livechannel.codec.h264.NalUnits;
import io.livechannel.flv.AacPacketType;
import io.livechannel.flv.AudioTagHeader;
import io.livechannel.flv.AvcPacketType;
import io.livechannel.flv.SoundFormat;
import io.livechannel.flv.VideoCodecId;
import io.livechannel.flv.VideoTagHeader;
import io.livechannel.ts.PesPayload;
import io.livechannel.ts.TsClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Packages one publish session into HLS: FLV audio/video tag bodies in, MPEG-TS segments and live playlist text out
 * through {@link HlsOutput} (spec {@code livechannel.md}, "HLS output"; RFC 8216).
 *
 * <p>Lifecycle: construct when a publish starts, with the counters restored from the catalog; call
 * {@link #onVideoTag}/{@link #onAudioTag} for every RTMP video/audio message; call {@link #finish()} exactly once
 * when the publisher stops, the connection drops or the server shuts down. Each finished segment produces
 * {@code segmentReady} then {@code playlistReady}; {@code finish()} emits the last partial segment and a playlist
 * ending in {@code #EXT-X-ENDLIST}, so nothing received is lost.
 *
 * <p>What is written: the first segment opens on the first video keyframe (video before it is dropped) or, while no
 * AVC sequence header has been seen, on the first AAC frame (audio-only stream). Cuts follow {@link Segmenter}.
 * Every segment starts with PAT and PMT declaring only the tracks whose sequence headers are known. Video access
 * units get an access unit delimiter (required by iOS and video.js) and, before an IDR without in-band SPS, the SPS
 * and PPS of the AVC sequence header; AAC frames get an ADTS header. DTS comes from the RTMP timestamp, PTS from DTS
 * plus the signed composition time (a negative one is clamped to PTS = DTS, as MPEG forbids PTS below DTS);
 * timestamps are unwrapped to 64 bits ({@link Timeline}) and carried modulo 2^33.
 * A new publish after earlier segments starts with a discontinuity.
 *
 * <p>Bad media never throws: malformed or unsupported tags are skipped and reported to
 * {@link HlsOutput#unitDropped} and {@link #droppedUnits(DropReason)}. Exceptions thrown by the {@link HlsOutput}
 * itself propagate to the caller.
 *
 * <p>Limits: {@link SegmenterLimits}. Buffers: each segment is one buffer from the allocator, pre-sized from the
 * previous segment and handed to {@code segmentReady} (ownership moves). Frames are copied once, straight from the
 * tag body into TS packets ({@link AccessUnitAssembler}); tag bodies are never retained and their indexes are left
 * unchanged.
 *
 * <p>Threading: not thread-safe; confined to the publish session's event loop. Never blocks, never reads a clock
 * other than the injected wall clock.
 */
public final class HlsPackager {
    private final HlsSettings settings;
    private final HlsOutput output;
    private final Timeline timeline;
    private final SegmentStream stream;
    private final Tracks tracks = new Tracks();
    private final long[] drops = new long[DropReason.values().length];
    private final AccessUnitAssembler assembler = new AccessUnitAssembler();
    /** The 7-byte ADTS header of the frame being written; unpooled heap, so nothing to release. */
    private final ByteBuf adtsHeader = Unpooled.buffer(AdtsHeader.LENGTH_BYTES, AdtsHeader.LENGTH_BYTES);

    private boolean finished;
    /** Whether a keyframe has been written: inter frames before it cannot be decoded and are dropped. */
    private boolean videoStarted;

    /** A packager using the pooled allocator. */
    public HlsPackager(HlsSettings settings, HlsOutput output, LongSupplier wallClockMillis, PlaylistState restored) {
        this(settings, output, wallClockMillis, restored, PooledByteBufAllocator.DEFAULT);
    }

    /**
     * @param settings        channel, playlist name, FragDuration, FragCount and limits
     * @param output          receives segments, playlists and drop reports, on the calling thread
     * @param wallClockMillis epoch milliseconds, read once per segment (segment name, PROGRAM-DATE-TIME)
     * @param restored        counters persisted by the previous publish ({@link PlaylistState#INITIAL} if none)
     * @param allocator       source of segment buffers (for example the channel's allocator)
     */
    public HlsPackager(HlsSettings settings, HlsOutput output, LongSupplier wallClockMillis, PlaylistState restored,
                       ByteBufAllocator allocator) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.output = Objects.requireNonNull(output, "output");
        this.timeline = new Timeline(settings.limits());
        this.stream = new SegmentStream(settings, output, Objects.requireNonNull(wallClockMillis, "wallClockMillis"),
                Objects.requireNonNull(allocator, "allocator"), Objects.requireNonNull(restored, "restored"));
    }

    /**
     * Packages one FLV VIDEODATA body (an RTMP video message). Does not retain {@code body} and leaves its indexes
     * unchanged; the caller releases it.
     *
     * @param timestampMillis the RTMP message timestamp (DTS), 32-bit milliseconds
     */
    public void onVideoTag(long timestampMillis, ByteBuf body) {
        if (finished) {
            drop(DropReason.AFTER_FINISH, "video tag after finish");
            return;
        }
        int readerIndex = body.readerIndex();
        try {
            VideoTagHeader header = VideoTagHeader.read(body);
            if (header.codecId() != VideoCodecId.AVC) {
                drop(DropReason.UNSUPPORTED_CODEC, "video codec is not H.264");
            } else if (header.avcPacketType() == AvcPacketType.SEQUENCE_HEADER) {
                onAvcSequenceHeader(AvcDecoderConfigurationRecord.read(body));
            } else if (header.avcPacketType() == AvcPacketType.NALU) {
                onAvcFrame(timestampMillis, header, body);
            }
        } catch (MalformedMediaException e) {
            drop(DropReason.MALFORMED, e.getMessage());
        } finally {
            body.readerIndex(readerIndex);
        }
    }

    /**
     * Packages one FLV AUDIODATA body (an RTMP audio message). Does not retain {@code body} and leaves its indexes
     * unchanged; the caller releases it.
     *
     * @param timestampMillis the RTMP message timestamp, 32-bit milliseconds
     */
    public void onAudioTag(long timestampMillis, ByteBuf body) {
        if (finished) {
            drop(DropReason.AFTER_FINISH, "audio tag after finish");
            return;
        }
        int readerIndex = body.readerIndex();
        try {
            AudioTagHeader header = AudioTagHeader.read(body);
            if (header.soundFormat() != SoundFormat.AAC) {
                drop(DropReason.UNSUPPORTED_CODEC, "audio codec is not AAC");
            } else if (header.aacPacketType() == AacPacketType.SEQUENCE_HEADER) {
                onAacSequenceHeader(AudioSpecificConfig.read(body));
            } else {
                onAacFrame(timestampMillis, body);
            }
        } catch (MalformedMediaException e) {
            drop(DropReason.MALFORMED, e.getMessage());
        } finally {
            body.readerIndex(readerIndex);
        }
    }

    /**
     * The publisher stopped: emits the open segment (cut reason {@link CutReason#PUBLISH_END}) and a final playlist
     * with {@code #EXT-X-ENDLIST}. Later tags are dropped; calling it again does
     * nothing. If nothing was ever packaged, nothing is emitted.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            stream.finish();
        } finally {
            assembler.clear();
        }
    }

    /** Tags skipped for {@code reason} so far. */
    public long droppedUnits(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** Counters as they would be persisted now. */
    public PlaylistState playlistState() {
        return stream.state();
    }

    private void onAvcSequenceHeader(AvcDecoderConfigurationRecord record) {
        if (record.equals(tracks.video)) {
            return;
        }
        boolean changed = tracks.video != null;
        tracks.video = record;
        OpenSegment segment = stream.current();
        if (segment != null && (changed || !segment.hasVideo())) {
            stream.segmenter().tracksChanged();
        }
    }

    private void onAacSequenceHeader(AudioSpecificConfig config) {
        if (!config.isAdtsCompatible()) {
            tracks.audio = null;
            tracks.audioUnsupported = true;
            drop(DropReason.UNSUPPORTED_CODEC, "AAC config cannot be carried in ADTS: " + config);
            return;
        }
        if (config.equals(tracks.audio)) {
            return;
        }
        boolean changed = tracks.audio != null;
        tracks.setAudio(config);
        OpenSegment segment = stream.current();
        if (segment != null && (changed || !segment.hasAudio())) {
            stream.segmenter().tracksChanged();
        }
    }

    private void onAvcFrame(long timestampMillis, VideoTagHeader header, ByteBuf body) {
        if (tracks.video == null) {
            drop(DropReason.MISSING_SEQUENCE_HEADER, "video frame before AVC sequence header");
            return;
        }
        if (body.readableBytes() > settings.limits().maxAccessUnitBytes()) {
            drop(DropReason.OVERSIZED, "access unit of " + body.readableBytes() + " bytes exceeds maxAccessUnitBytes "
                    + settings.limits().maxAccessUnitBytes());
            return;
        }
        int lengthSize = tracks.video.nalUnitLengthSize();
        int nalFlags = NalUnits.scan(body, lengthSize);
        long dtsMillis = mediaMillis(timestampMillis);
        boolean keyframe = header.isKeyframe();
        OpenSegment segment = stream.current();
        if (!keyframe && (!videoStarted || segment == null || !segment.hasVideo())) {
            drop(DropReason.AWAITING_KEYFRAME, "video before keyframe");
            return;
        }
        boolean prependParameterSets = (nalFlags & NalUnits.HAS_IDR) != 0 && (nalFlags & NalUnits.HAS_SPS) == 0;
        PesPayload accessUnit = assembler.assemble(body, tracks.video, prependParameterSets);
        int annexBBytes = accessUnit.length();
        if (!stream.fitsEmptySegment(annexBBytes)) {
            assembler.clear();
            drop(DropReason.OVERSIZED, "access unit of " + annexBBytes + " bytes does not fit a segment of "
                    + "maxSegmentBytes " + settings.limits().maxSegmentBytes());
            return;
        }
        videoStarted = true;
        segment = stream.prepare(dtsMillis, keyframe, tracks.mask(), annexBBytes);
        long ptsMillis = Math.max(dtsMillis, dtsMillis + header.compositionTimeMillis());
        stream.writeVideo(accessUnit, ptsMillis, dtsMillis, keyframe);
        if (keyframe && (nalFlags & NalUnits.HAS_IDR) != 0) {
            output.keyframePackaged(dtsMillis, accessUnit);
        }
        assembler.clear();
        segment.extendTo(dtsMillis + tracks.videoFrameDuration(dtsMillis));
    }

    private void onAacFrame(long timestampMillis, ByteBuf body) {
        if (tracks.audio == null) {
            drop(tracks.audioUnsupported ? DropReason.UNSUPPORTED_CODEC : DropReason.MISSING_SEQUENCE_HEADER,
                    "audio frame without usable AAC sequence header");
            return;
        }
        int rawBytes = body.readableBytes();
        if (rawBytes == 0) {
            drop(DropReason.MALFORMED, "empty AAC frame");
            return;
        }
        if (rawBytes + AdtsHeader.LENGTH_BYTES > AdtsHeader.MAX_FRAME_LENGTH_BYTES) {
            drop(DropReason.OVERSIZED, "AAC frame of " + rawBytes + " bytes does not fit an ADTS frame");
            return;
        }
        long dtsMillis = mediaMillis(timestampMillis);
        boolean audioLeads = tracks.video == null;
        OpenSegment segment = stream.current();
        if (segment == null ? !audioLeads : !segment.hasAudio()) {
            drop(DropReason.AWAITING_KEYFRAME, "audio before the segment that declares it");
            return;
        }
        segment = stream.prepare(dtsMillis, audioLeads, tracks.mask(), AdtsHeader.LENGTH_BYTES + rawBytes);
        adtsHeader.clear();
        AdtsHeader.write(adtsHeader, tracks.adtsProfile, tracks.adtsFrequencyIndex,
                tracks.audio.channelConfiguration(), rawBytes);
        long ptsTicks = tracks.audioClock.ptsOf(stream.ticks(dtsMillis), tracks.audio.samplesPerFrame(),
                tracks.audio.samplingFrequencyHz());
        stream.writeAudio(adtsHeader, body, ptsTicks,
                (long) tracks.audio.samplesPerFrame() * TsClock.HZ / tracks.audio.samplingFrequencyHz());
        segment.extendTo(dtsMillis + tracks.audioFrameMillis());
    }

    private long mediaMillis(long timestampMillis) {
        long media = timeline.toMediaMillis(timestampMillis);
        if (timeline.takeJump()) {
            stream.segmenter().jumped();
        }
        return media;
    }

    private void drop(DropReason reason, String detail) {
        drops[reason.ordinal()]++;
        output.unitDropped(reason, detail);
    }
}
