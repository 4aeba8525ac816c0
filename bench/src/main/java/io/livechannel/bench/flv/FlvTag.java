package io.livechannel.bench.flv;

/**
 * One FLV tag, its body located in the file's bytes (FLV spec v10.1 §E.4.1).
 *
 * @param type            tag type
 * @param timestampMillis the tag's 32-bit timestamp (Timestamp + TimestampExtended), milliseconds
 * @param isKeyframe      a video tag whose FrameType is 1 (keyframe) and that carries a frame, not a sequence header
 * @param bodyOffset      offset of the tag body in {@link FlvFile#bytes()}
 * @param bodyLength      DataSize
 */
public record FlvTag(FlvTagType type, long timestampMillis, boolean isKeyframe, int bodyOffset, int bodyLength) {
    public FlvTag {
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("timestampMillis < 0: " + timestampMillis);
        }
        if (bodyOffset < 0 || bodyLength < 0) {
            throw new IllegalArgumentException("negative body range " + bodyOffset + "+" + bodyLength);
        }
    }
}
