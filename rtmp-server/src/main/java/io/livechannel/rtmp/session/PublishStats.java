package io.livechannel.rtmp.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What GetLiveChannelStat reports about a live publisher ({@code livechannel.md}, {@code oss-sdk-wire-spec.md}
 * §3.4): a snapshot, refreshed by the session about once a second.
 *
 * @param connectedAt when the publish started
 * @param remoteAddress the publisher's {@code ip:port}
 * @param video null until the first H.264 sequence header or frame was seen
 * @param audio null until the first AAC sequence header or frame was seen
 */
public record PublishStats(Instant connectedAt, String remoteAddress, Video video, Audio audio) {
    public PublishStats {
        Objects.requireNonNull(connectedAt, "connectedAt");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /**
     * @param width luma width in pixels from the SPS (0 until the sequence header was parsed)
     * @param height luma height in pixels from the SPS (0 until the sequence header was parsed)
     * @param frameRate frames per second over the recent window
     * @param bandwidthBitsPerSecond video payload bit rate over the recent window
     * @param codec {@code H264}
     */
    public record Video(int width, int height, double frameRate, long bandwidthBitsPerSecond, String codec) {
    }

    /**
     * @param sampleRate in Hz from the AudioSpecificConfig (0 until it was parsed)
     * @param bandwidthBitsPerSecond audio payload bit rate over the recent window
     * @param codec {@code AAC}
     */
    public record Audio(int sampleRate, long bandwidthBitsPerSecond, String codec) {
    }
}
