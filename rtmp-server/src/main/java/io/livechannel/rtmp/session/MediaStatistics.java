package io.livechannel.rtmp.session;

import io.livechannel.codec.aac.AudioSpecificConfig;
import io.livechannel.codec.h264.Sps;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

/**
 * Statistics of one publish for GetLiveChannelStat ({@code livechannel.md}): picture size and sample rate from
 * the sequence headers, bandwidth as the average over the last {@value #WINDOW_SECONDS} one-second buckets of
 * arrival time, frame rate from the media timestamps of the pictures in those buckets ({@code (pictures - 1) /
 * DTS span}): arrival times jitter with the network and bucket edges, timestamps of a 25 fps stream do not.
 *
 * <p>Threading: the {@code on*} methods run on the event loop and only add to counters (no allocation per
 * frame); once a second a fresh immutable {@link PublishStats} is published through a volatile field, which
 * {@link #snapshot} reads from any thread. Values change only while frames arrive.
 */
final class MediaStatistics {
    static final int WINDOW_SECONDS = 5;
    private static final long BUCKET_MILLIS = 1000;

    private final Instant connectedAt;
    private final String remoteAddress;
    private final Clock clock;
    /** Per bucket: elapsed millis, video bytes, video frames, audio bytes, first and last picture DTS. */
    private final long[][] buckets = new long[WINDOW_SECONDS][6];
    private final long[] current = new long[6];
    private int nextBucket;
    private long bucketStartMillis;
    private int width;
    private int height;
    private int sampleRate;
    private boolean videoSeen;
    private boolean audioSeen;
    private volatile PublishStats snapshot;

    MediaStatistics(Instant connectedAt, String remoteAddress, Clock clock) {
        this.connectedAt = connectedAt;
        this.remoteAddress = remoteAddress;
        this.clock = clock;
        this.bucketStartMillis = clock.millis();
        this.snapshot = new PublishStats(connectedAt, remoteAddress, null, null);
    }

    void onVideoSequenceHeader(Sps sps) {
        width = sps.width();
        height = sps.height();
        videoSeen = true;
        publish();
    }

    void onAudioSequenceHeader(AudioSpecificConfig config) {
        sampleRate = config.samplingFrequencyHz();
        audioSeen = true;
        publish();
    }

    /**
     * A video message of {@code bytes}; {@code isPicture} for coded frames (not sequence headers), with their
     * unwrapped DTS in milliseconds.
     */
    void onVideo(int bytes, boolean isPicture, long dtsMillis) {
        videoSeen = true;
        current[1] += bytes;
        if (isPicture) {
            if (current[2] == 0) {
                current[4] = dtsMillis;
            }
            current[2]++;
            current[5] = dtsMillis;
        }
        tick();
    }

    void onAudio(int bytes) {
        audioSeen = true;
        current[3] += bytes;
        tick();
    }

    PublishStats snapshot() {
        return snapshot;
    }

    private void tick() {
        long now = clock.millis();
        long elapsed = now - bucketStartMillis;
        if (elapsed < BUCKET_MILLIS) {
            return;
        }
        long[] bucket = buckets[nextBucket];
        bucket[0] = elapsed;
        System.arraycopy(current, 1, bucket, 1, 5);
        Arrays.fill(current, 0);
        nextBucket = (nextBucket + 1) % WINDOW_SECONDS;
        bucketStartMillis = now;
        publish();
    }

    private void publish() {
        long millis = 0;
        long videoBytes = 0;
        long frames = 0;
        long audioBytes = 0;
        for (long[] b : buckets) {
            millis += b[0];
            videoBytes += b[1];
            frames += b[2];
            audioBytes += b[3];
        }
        double seconds = millis / 1000.0;
        PublishStats.Video video = !videoSeen ? null : new PublishStats.Video(width, height, frameRate(),
                seconds == 0 ? 0 : Math.round(videoBytes * 8 / seconds), "H264");
        PublishStats.Audio audio = !audioSeen ? null : new PublishStats.Audio(sampleRate,
                seconds == 0 ? 0 : Math.round(audioBytes * 8 / seconds), "AAC");
        snapshot = new PublishStats(connectedAt, remoteAddress, video, audio);
    }

    /** Pictures per second of media time over the window, two decimals; 0 until two pictures were seen. */
    private double frameRate() {
        long pictures = 0;
        long firstDts = 0;
        long lastDts = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            long[] b = buckets[(nextBucket + i) % WINDOW_SECONDS]; // oldest first
            if (b[2] == 0) {
                continue;
            }
            if (pictures == 0) {
                firstDts = b[4];
            }
            pictures += b[2];
            lastDts = b[5];
        }
        long spanMillis = lastDts - firstDts;
        return pictures < 2 || spanMillis <= 0 ? 0 : Math.round((pictures - 1) * 100_000.0 / spanMillis) / 100.0;
    }
}
