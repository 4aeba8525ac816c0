package io.livechannel.bench.flv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An FLV file read whole into memory: the raw bytes and the tags located in them (FLV spec v10.1 annex E).
 *
 * <pre>
 * header:  'F' 'L' 'V' | version u8 | flags u8 | DataOffset u32      (DataOffset = 9)
 * then:    PreviousTagSize0 u32, and per tag:
 * tag:     TagType u8 | DataSize u24 | Timestamp u24 | TimestampExtended u8 | StreamID u24 | body | PreviousTagSize u32
 * </pre>
 *
 * <p>Limits: the file must fit in an int-indexed array ({@value #MAX_FILE_BYTES} bytes), which is far above what a
 * replay needs (100 s at 2 Mbps is 25 MB). Immutable after {@link #read}; safe to share between threads as long as
 * nobody writes to {@link #bytes()}.
 */
public final class FlvFile {
    /** Largest file accepted; checked before the file is read into memory. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private static final int HEADER_BYTES = 9;
    private static final int TAG_HEADER_BYTES = 11;
    private static final int PREVIOUS_TAG_SIZE_BYTES = 4;

    private final byte[] bytes;
    private final List<FlvTag> tags;

    private FlvFile(byte[] bytes, List<FlvTag> tags) {
        this.bytes = bytes;
        this.tags = List.copyOf(tags);
    }

    /** Reads and indexes {@code path}; a truncated last tag is dropped (ffmpeg leaves none, a killed one might). */
    public static FlvFile read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(path + ": " + size + " bytes exceeds MAX_FILE_BYTES " + MAX_FILE_BYTES);
        }
        return parse(Files.readAllBytes(path), path.toString());
    }

    static FlvFile parse(byte[] b, String name) throws IOException {
        if (b.length < HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES || b[0] != 'F' || b[1] != 'L' || b[2] != 'V') {
            throw new IOException(name + ": not an FLV file (no 'FLV' signature)");
        }
        int pos = (int) u32(b, 5) + PREVIOUS_TAG_SIZE_BYTES;
        List<FlvTag> tags = new ArrayList<>();
        while (pos + TAG_HEADER_BYTES <= b.length) {
            int type = b[pos] & 0x1f;
            int dataSize = u24(b, pos + 1);
            long timestamp = u24(b, pos + 4) | ((long) (b[pos + 7] & 0xff) << 24);
            int body = pos + TAG_HEADER_BYTES;
            if (body + dataSize > b.length) {
                break;
            }
            FlvTagType tagType = FlvTagType.of(type);
            tags.add(new FlvTag(tagType, timestamp, isKeyframe(tagType, b, body, dataSize), body, dataSize));
            pos = body + dataSize + PREVIOUS_TAG_SIZE_BYTES;
        }
        if (tags.isEmpty()) {
            throw new IOException(name + ": FLV file has no complete tag");
        }
        return new FlvFile(b, tags);
    }

    /** VideoTagHeader: FrameType (4 bits, 1 = keyframe) | CodecID (4 bits); for AVC, AVCPacketType 1 = NALU. */
    private static boolean isKeyframe(FlvTagType type, byte[] b, int body, int size) {
        if (type != FlvTagType.VIDEO || size < 2) {
            return false;
        }
        boolean keyFrameType = (b[body] & 0xf0) >> 4 == 1;
        boolean avc = (b[body] & 0x0f) == 7;
        return keyFrameType && (!avc || b[body + 1] == 1);
    }

    private static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
    }

    private static long u32(byte[] b, int i) {
        return (long) (b[i] & 0xff) << 24 | u24(b, i + 1);
    }

    /** The file's bytes; tag bodies are ranges of this array. Callers must not modify it. */
    public byte[] bytes() {
        return bytes;
    }

    public List<FlvTag> tags() {
        return tags;
    }

    /** Timestamp of the last tag, i.e. the playing time the replay covers. */
    public long durationMillis() {
        return tags.get(tags.size() - 1).timestampMillis();
    }
}
