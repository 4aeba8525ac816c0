package io.livechannel.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What GetLiveChannelStat reports of a live session (wire spec §3.4, {@code <LiveChannelStat>} when Live).
 *
 * @param connectedAt when the publisher connected
 * @param remoteAddress the publisher's {@code ip:port}
 * @param video {@code null} until the first video sequence header has been seen
 * @param audio {@code null} until the first audio sequence header has been seen (or when there is no audio)
 */
public record LiveStat(Instant connectedAt, String remoteAddress, Video video, Audio audio) {
    public LiveStat {
        Objects.requireNonNull(connectedAt, "connectedAt");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    /**
     * The video track ({@code <Video>}).
     *
     * @param frameRate frames per second, rounded
     * @param bandwidthBitsPerSecond recent average bit rate of the video track
     * @param codec as OSS names it, e.g. {@code H264}
     */
    public record Video(int width, int height, int frameRate, long bandwidthBitsPerSecond, String codec) {
        public Video {
            Objects.requireNonNull(codec, "codec");
        }
    }

    /**
     * The audio track ({@code <Audio>}).
     *
     * @param bandwidthBitsPerSecond recent average bit rate of the audio track
     * @param codec as OSS names it, e.g. {@code AAC}
     */
    public record Audio(int sampleRate, long bandwidthBitsPerSecond, String codec) {
        public Audio {
            Objects.requireNonNull(codec, "codec");
        }
    }
}
