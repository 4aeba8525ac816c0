package io.livechannel.hls;

import io.livechannel.codec.aac.AudioSpecificConfig;
import io.livechannel.codec.aac.SamplingFrequency;
import io.livechannel.codec.h264.AvcDecoderConfigurationRecord;

/**
 * The sequence headers in force and the per-track timing the packager needs. The track set of a segment is a
 * bit mask of {@link #VIDEO} and {@link #AUDIO}.
 */
final class Tracks {
    static final int VIDEO = 1;
    static final int AUDIO = 2;
    /** Video frame duration assumed before two frames were seen and when the SPS has no timing. */
    static final long DEFAULT_VIDEO_FRAME_MILLIS = 40;

    AvcDecoderConfigurationRecord video;
    AudioSpecificConfig audio;
    /** Set when the latest AAC sequence header could not be carried in ADTS: audio frames are dropped. */
    boolean audioUnsupported;
    int adtsProfile;
    int adtsFrequencyIndex;
    long lastVideoMillis = Long.MIN_VALUE;
    long videoFrameMillis;
    final AudioClock audioClock = new AudioClock();

    int mask() {
        return (video != null ? VIDEO : 0) | (audio != null ? AUDIO : 0);
    }

    void setAudio(AudioSpecificConfig config) {
        audio = config;
        audioUnsupported = false;
        adtsProfile = config.audioObjectType() - 1;
        adtsFrequencyIndex = SamplingFrequency.indexOf(config.samplingFrequencyHz());
        audioClock.reset();
    }

    /** Notes a video frame's DTS and returns how long it plays (the last frame interval). */
    long videoFrameDuration(long dtsMillis) {
        long delta = dtsMillis - lastVideoMillis;
        if (lastVideoMillis != Long.MIN_VALUE && delta > 0 && delta < 1000) {
            videoFrameMillis = delta;
        }
        lastVideoMillis = dtsMillis;
        if (videoFrameMillis > 0) {
            return videoFrameMillis;
        }
        double fps = video.sps().frameRate().orElse(0);
        return fps > 0 ? Math.round(1000 / fps) : DEFAULT_VIDEO_FRAME_MILLIS;
    }

    /** Duration of one AAC frame, rounded up to whole milliseconds. */
    long audioFrameMillis() {
        return (audio.samplesPerFrame() * 1000L + audio.samplingFrequencyHz() - 1) / audio.samplingFrequencyHz();
    }
}
