package io.livechannel.rtmp.session;

import io.livechannel.codec.MalformedMediaException;
import io.livechannel.codec.aac.AudioSpecificConfig;
import io.livechannel.codec.h264.AvcDecoderConfigurationRecord;
import io.livechannel.flv.AudioTagHeader;
import io.livechannel.flv.AvcPacketType;
import io.livechannel.flv.FrameType;
import io.livechannel.flv.SoundFormat;
import io.livechannel.flv.VideoCodecId;
import io.livechannel.flv.VideoTagHeader;
import io.livechannel.rtmp.EndReason;
import io.livechannel.rtmp.MediaSink;
import io.livechannel.rtmp.PublishSessionInfo;
import io.livechannel.rtmp.amf.AmfValue;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admitted publish: forwards H.264 video and AAC audio to the {@link MediaSink} with unwrapped timestamps,
 * keeps statistics, and is the registry's handle on the connection (idleness, kick, end).
 *
 * <p>Threading: media methods and {@link #end} run on the connection's event loop; {@link #kick},
 * {@link #lastActivityMillis}, {@link #stats} and {@link #ended} may be called from any thread.
 */
final class PublishSession implements PublisherRegistry.Publisher {
    private static final Logger log = LoggerFactory.getLogger(PublishSession.class);
    /*
     * Per-frame dispatch peeks at the first body bytes and compares with the flv enums' wire values (their of()
     * methods copy values() on each call); the hls-muxer parsers run only on sequence headers.
     */
    private static final int CODEC_AVC = VideoCodecId.AVC.value();
    private static final int SOUND_FORMAT_AAC = SoundFormat.AAC.value();
    private static final int FRAME_TYPE_COMMAND = FrameType.VIDEO_INFO.value();
    private static final int SEQUENCE_HEADER = 0;
    private static final int AVC_NALU = AvcPacketType.NALU.value();
    /** Enhanced RTMP: bit 7 of the first video byte marks an extended header with a FourCC. */
    private static final int ENHANCED_RTMP_EX_HEADER = 0x80;

    private final PublishSessionInfo info;
    private final Clock clock;
    private final Consumer<EndReason> kickOnLoop;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final TimestampUnwrapper timestamps = new TimestampUnwrapper();
    private final MediaStatistics statistics;
    private MediaSink sink;
    private boolean audioDropLogged;
    private volatile long lastActivityMillis;

    /**
     * @param kickOnLoop called from any thread; must hop to the event loop and end this publish
     */
    PublishSession(PublishSessionInfo info, Clock clock, Consumer<EndReason> kickOnLoop) {
        this.info = info;
        this.clock = clock;
        this.kickOnLoop = kickOnLoop;
        this.statistics = new MediaStatistics(info.startedAt(), info.remoteAddress(), clock);
        this.lastActivityMillis = clock.millis();
    }

    PublishSessionInfo info() {
        return info;
    }

    void start(MediaSink sink) {
        this.sink = sink;
    }

    boolean isStarted() {
        return sink != null;
    }

    void touch() {
        lastActivityMillis = clock.millis();
    }

    /**
     * Forwards an H.264 frame. Does not release {@code body} (the RTMP message payload, FLV video tag body).
     *
     * @param timestamp32 the RTMP message timestamp, 32-bit as on the wire
     * @return a description of the problem if the video is not H.264 (the publish must end), else null
     */
    String onVideo(long timestamp32, ByteBuf body) {
        if (!body.isReadable()) {
            return null;
        }
        int first = body.getUnsignedByte(body.readerIndex());
        if ((first & ENHANCED_RTMP_EX_HEADER) != 0) {
            return "Enhanced RTMP video (HEVC/AV1/VP9) is not supported; send H.264";
        }
        int codecId = first & 0x0F;
        if (codecId != CODEC_AVC) {
            return "video codec id " + codecId + " is not supported; send H.264 (codec id 7)";
        }
        if (first >>> 4 == FRAME_TYPE_COMMAND) {
            return null;
        }
        int packetType = body.readableBytes() > 1 ? body.getUnsignedByte(body.readerIndex() + 1) : -1;
        if (packetType == SEQUENCE_HEADER) {
            readSequenceHeader(body);
        }
        long timestamp = timestamps.unwrap(timestamp32);
        statistics.onVideo(body.readableBytes(), packetType == AVC_NALU, timestamp);
        sink.onVideo(timestamp, body);
        return null;
    }

    /**
     * Forwards an AAC frame, drops (and logs once) any other audio. Does not release {@code body} (the RTMP
     * message payload, FLV audio tag body); {@code timestamp32} is the message timestamp as on the wire.
     */
    void onAudio(long timestamp32, ByteBuf body) {
        if (!body.isReadable()) {
            return;
        }
        int soundFormat = body.getUnsignedByte(body.readerIndex()) >>> 4;
        if (soundFormat != SOUND_FORMAT_AAC) {
            if (!audioDropLogged) {
                audioDropLogged = true;
                log.info("{} dropping audio: sound format {} is not AAC (only AAC is kept)", info.logId(), soundFormat);
            }
            return;
        }
        if (body.readableBytes() > 1 && body.getUnsignedByte(body.readerIndex() + 1) == SEQUENCE_HEADER) {
            readAudioSpecificConfig(body);
        }
        long timestamp = timestamps.unwrap(timestamp32);
        statistics.onAudio(body.readableBytes());
        sink.onAudio(timestamp, body);
    }

    /** Picture size for the statistics; a bad record is the packager's to report, so only logged here. */
    private void readSequenceHeader(ByteBuf body) {
        ByteBuf record = body.duplicate();
        try {
            VideoTagHeader.read(record);
            statistics.onVideoSequenceHeader(AvcDecoderConfigurationRecord.read(record).sps());
        } catch (MalformedMediaException | IllegalArgumentException e) {
            log.info("{} unreadable AVC sequence header: {}", info.logId(), e.getMessage());
        }
    }

    private void readAudioSpecificConfig(ByteBuf body) {
        ByteBuf config = body.duplicate();
        try {
            AudioTagHeader.read(config);
            statistics.onAudioSequenceHeader(AudioSpecificConfig.read(config));
        } catch (MalformedMediaException | IllegalArgumentException e) {
            log.info("{} unreadable AAC sequence header: {}", info.logId(), e.getMessage());
        }
    }

    void onMetaData(long timestamp32, AmfValue metaData) {
        sink.onMetaData(timestamps.unwrap(timestamp32), metaData);
    }

    /** Delivers the end to the sink (if started) exactly once and completes {@link #ended}. Event loop only. */
    void end(EndReason reason) {
        if (ended.isDone()) {
            return;
        }
        try {
            if (sink != null) {
                sink.onPublishEnd(reason);
            }
        } finally {
            ended.complete(null);
        }
    }

    @Override
    public long lastActivityMillis() {
        return lastActivityMillis;
    }

    @Override
    public void kick(EndReason reason) {
        kickOnLoop.accept(reason);
    }

    @Override
    public CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public PublishStats stats() {
        return statistics.snapshot();
    }

    @Override
    public String logId() {
        return info.logId();
    }
}
