package io.livechannel.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Minimal FLV file reader (FLV spec E.2, E.3) for feeding ffmpeg output to the packager as RTMP would. */
final class FlvFile {
    static final int AUDIO = 8;
    static final int VIDEO = 9;

    /** One tag: type 8/9/18, 32-bit timestamp, body exactly as an RTMP message would carry it. */
    record Tag(int type, long timestampMillis, byte[] body) {
        Tag withTimestamp(long newTimestampMillis) {
            return new Tag(type, newTimestampMillis, body);
        }

        boolean isVideo() {
            return type == VIDEO;
        }

        boolean isAudio() {
            return type == AUDIO;
        }

        boolean isSequenceHeader() {
            return (type == VIDEO || type == AUDIO) && body.length > 1 && body[1] == 0;
        }

        boolean isKeyframe() {
            return type == VIDEO && (body[0] & 0xF0) == 0x10 && body[1] == 1;
        }
    }

    private FlvFile() {
    }

    static List<Tag> read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        if (data.length < 13 || data[0] != 'F' || data[1] != 'L' || data[2] != 'V') {
            throw new IOException("not an FLV file: " + file);
        }
        int p = ((data[5] & 0xFF) << 24 | (data[6] & 0xFF) << 16 | (data[7] & 0xFF) << 8 | data[8] & 0xFF) + 4;
        List<Tag> tags = new ArrayList<>();
        while (p + 11 <= data.length) {
            int type = data[p] & 0x1F;
            int size = (data[p + 1] & 0xFF) << 16 | (data[p + 2] & 0xFF) << 8 | data[p + 3] & 0xFF;
            long timestamp = ((data[p + 4] & 0xFF) << 16 | (data[p + 5] & 0xFF) << 8 | data[p + 6] & 0xFF
                    | (data[p + 7] & 0xFF) << 24) & 0xFFFFFFFFL;
            if (p + 11 + size > data.length) {
                break;
            }
            byte[] body = new byte[size];
            System.arraycopy(data, p + 11, body, 0, size);
            tags.add(new Tag(type, timestamp, body));
            p += 11 + size + 4;
        }
        return tags;
    }

    /** Feeds audio and video tags to the packager, each in its own buffer, released afterwards. */
    static void feed(HlsPackager packager, List<Tag> tags) {
        for (Tag tag : tags) {
            feed(packager, tag);
        }
    }

    static void feed(HlsPackager packager, Tag tag) {
        if (!tag.isAudio() && !tag.isVideo()) {
            return;
        }
        ByteBuf body = Unpooled.directBuffer(tag.body().length).writeBytes(tag.body());
        try {
            if (tag.isVideo()) {
                packager.onVideoTag(tag.timestampMillis(), body);
            } else {
                packager.onAudioTag(tag.timestampMillis(), body);
            }
        } finally {
            body.release();
        }
    }
}
