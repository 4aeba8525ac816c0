package io.livechannel.hls;

import java.nio.file.Path;
import java.util.List;

/**
 * Real tag bodies captured from an ffmpeg FLV (libx264 High 320x180, AAC 44.1 kHz mono), re-timestamped to build
 * streams of any shape for the segmenter tests: the sequence headers, one keyframe, one inter frame, one AAC frame.
 */
final class CapturedTags {
    final FlvFile.Tag videoSequenceHeader;
    final FlvFile.Tag audioSequenceHeader;
    final FlvFile.Tag keyframe;
    final FlvFile.Tag interFrame;
    final FlvFile.Tag audioFrame;

    private CapturedTags(List<FlvFile.Tag> tags) {
        videoSequenceHeader = tags.stream().filter(t -> t.isVideo() && t.isSequenceHeader()).findFirst().orElseThrow();
        audioSequenceHeader = tags.stream().filter(t -> t.isAudio() && t.isSequenceHeader()).findFirst().orElseThrow();
        keyframe = tags.stream().filter(FlvFile.Tag::isKeyframe).findFirst().orElseThrow();
        interFrame = tags.stream().filter(t -> t.isVideo() && !t.isSequenceHeader() && !t.isKeyframe())
                .findFirst().orElseThrow();
        audioFrame = tags.stream().filter(t -> t.isAudio() && !t.isSequenceHeader()).findFirst().orElseThrow();
    }

    static CapturedTags load() throws Exception {
        Path flv = MediaTools.highProfileWithAac("high-320x180-6s", 6, "320x180");
        return new CapturedTags(FlvFile.read(flv));
    }

    FlvFile.Tag video(long timestampMillis, boolean key) {
        return (key ? keyframe : interFrame).withTimestamp(timestampMillis);
    }

    FlvFile.Tag audio(long timestampMillis) {
        return audioFrame.withTimestamp(timestampMillis);
    }
}
