package io.livechannel.bench.rtmpclient;

import io.livechannel.bench.flv.FlvFile;
import io.livechannel.bench.flv.FlvTag;
import io.livechannel.bench.flv.FlvTagType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An FLV file turned once into the exact chunk bytes a publisher sends (RTMP spec §5.3, §7.1.2, §7.1.5): each tag
 * becomes one message (script data as {@code @setDataFrame}, as OBS and ffmpeg send it), chunked at the given size,
 * all in one direct buffer (never written after construction) that every publisher shares by writing retained slices. Timestamps are the
 * file's, so a replay starts at 0.
 *
 * <p>Ownership: this object owns {@link #buffer()}; {@link #retainedMessage(int)} returns a retained slice that
 * the caller (normally Netty's outbound path) releases. {@link #release()} drops the owner's reference.
 * Thread-safe after construction.
 */
public final class PrechunkedStream {
    /** Chunk stream ids as ffmpeg's RTMP muxer uses them: 4 for audio, 6 for video and data. */
    static final int AUDIO_CSID = 4;
    static final int VIDEO_CSID = 6;
    private static final byte[] SET_DATA_FRAME = "@setDataFrame".getBytes(StandardCharsets.US_ASCII);

    private final ByteBuf buffer;
    private final int[] offsets;
    private final int[] lengths;
    private final long[] timestampsMillis;
    private final boolean[] keyframes;
    private final int messageStreamId;

    private PrechunkedStream(ByteBuf buffer, List<int[]> ranges, List<FlvTag> tags, int messageStreamId) {
        this.buffer = buffer;
        this.messageStreamId = messageStreamId;
        int n = tags.size();
        offsets = new int[n];
        lengths = new int[n];
        timestampsMillis = new long[n];
        keyframes = new boolean[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = ranges.get(i)[0];
            lengths[i] = ranges.get(i)[1];
            timestampsMillis[i] = tags.get(i).timestampMillis();
            keyframes[i] = tags.get(i).isKeyframe();
        }
    }

    /** Chunks every tag of {@code flv} for message stream {@code messageStreamId} at {@code chunkSize}. */
    public static PrechunkedStream of(FlvFile flv, int chunkSize, int messageStreamId) {
        ChunkWriter writer = new ChunkWriter(chunkSize);
        ByteBuf src = Unpooled.wrappedBuffer(flv.bytes());
        long total = 0;
        for (FlvTag t : flv.tags()) {
            total += writer.encodedLength(bodyLength(t), t.timestampMillis());
        }
        ByteBuf out = Unpooled.directBuffer(Math.toIntExact(total));
        ByteBuf data = Unpooled.buffer();
        List<int[]> ranges = new ArrayList<>();
        for (FlvTag t : flv.tags()) {
            int start = out.writerIndex();
            ChunkWriter.MessageHeader h = new ChunkWriter.MessageHeader(
                    t.type() == FlvTagType.AUDIO ? AUDIO_CSID : VIDEO_CSID, t.timestampMillis(), t.type().id(),
                    messageStreamId);
            if (t.type() == FlvTagType.SCRIPT_DATA) {
                data.clear().writeByte(0x02).writeShort(SET_DATA_FRAME.length).writeBytes(SET_DATA_FRAME);
                data.writeBytes(src, t.bodyOffset(), t.bodyLength());
                writer.write(out, h, data, 0, data.readableBytes());
            } else {
                writer.write(out, h, src, t.bodyOffset(), t.bodyLength());
            }
            ranges.add(new int[] {start, out.writerIndex() - start});
        }
        return new PrechunkedStream(out, ranges, flv.tags(), messageStreamId);
    }

    private static int bodyLength(FlvTag t) {
        return t.type() == FlvTagType.SCRIPT_DATA ? 3 + SET_DATA_FRAME.length + t.bodyLength() : t.bodyLength();
    }

    /** Number of messages (one per FLV tag). */
    public int messageCount() {
        return offsets.length;
    }

    /** The chunk bytes of message {@code i}, as a retained slice the caller releases (or writes to a channel). */
    public ByteBuf retainedMessage(int i) {
        return buffer.retainedSlice(offsets[i], lengths[i]);
    }

    /**
     * The chunk bytes of messages {@code from} (inclusive) to {@code to} (exclusive), which lie back to back, as a
     * retained slice the caller releases.
     */
    public ByteBuf retainedMessages(int from, int to) {
        return buffer.retainedSlice(offsets[from], offsets[to - 1] + lengths[to - 1] - offsets[from]);
    }

    /** Bytes on the wire for message {@code i}, chunk headers included. */
    public int wireLength(int i) {
        return lengths[i];
    }

    public long timestampMillis(int i) {
        return timestampsMillis[i];
    }

    public boolean isKeyframe(int i) {
        return keyframes[i];
    }

    public int messageStreamId() {
        return messageStreamId;
    }

    /** The shared buffer (read-only). */
    public ByteBuf buffer() {
        return buffer;
    }

    /** Timestamps of the keyframes in send order; the harness matches segment ends against them. */
    public long[] keyframeTimestampsMillis() {
        return java.util.stream.IntStream.range(0, keyframes.length).filter(i -> keyframes[i])
                .mapToLong(i -> timestampsMillis[i]).toArray();
    }

    /** Releases the owner's reference to the shared buffer; slices still in flight keep it alive. */
    public void release() {
        buffer.release();
    }
}
