package io.livechannel.storage.catalog.jdbc;

import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.SegmentRecord;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code segment.packed} column (migration V4): everything a range query returns about one segment in one
 * big-endian value. {@code segment_block} rows concatenate them, so that Java reads a minute of segments with one
 * JNI call instead of six per segment.
 *
 * <pre>
 *  0       8       16      24      32  33         35
 *  +-------+-------+-------+-------+---+----------+-------------------+
 *  | start | durat.| seq.  | size  | f | key len  | key (UTF-8)       |   only when f bit 1 is set
 *  +-------+-------+-------+-------+---+----------+-------------------+
 *   i64 start_millis, i64 duration_micros, i64 sequence, i64 size_bytes,
 *   u8 flags: bit 0 discontinuity, bit 1 the key is not {@code <channel>/<start_millis>.ts} and follows
 * </pre>
 *
 * <p>Keys in the standard form (what the HLS packager writes) are not stored: {@link #decode} rebuilds them from
 * the channel and start time. {@code V4.sql} produces the same bytes in SQL for rows that existed before.
 * Stateless; thread-safe.
 */
final class PackedSegment {
    static final int FIXED_BYTES = 33;
    /** Keys are at most {@link io.livechannel.storage.ObjectKey#MAX_KEY_BYTES} bytes; the length field is a u16. */
    private static final int MAX_KEY_BYTES = 0xFFFF;
    private static final int DISCONTINUITY = 1;
    private static final int EXPLICIT_KEY = 2;
    private static final Comparator<SegmentRecord> INDEX_ORDER =
            Comparator.comparingLong(SegmentRecord::startTimeMillis).thenComparingLong(SegmentRecord::sequence);

    private PackedSegment() {
    }

    static byte[] encode(SegmentRecord r) {
        byte[] key = isStandardKey(r) ? null : r.objectKey().getBytes(StandardCharsets.UTF_8);
        if (key != null && key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("object key of " + key.length + " bytes is too long to index");
        }
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + (key == null ? 0 : 2 + key.length))
                .putLong(r.startTimeMillis())
                .putLong(r.durationMicros())
                .putLong(r.sequence())
                .putLong(r.sizeBytes())
                .put((byte) ((r.discontinuity() ? DISCONTINUITY : 0) | (key == null ? 0 : EXPLICIT_KEY)));
        if (key != null) {
            out.putShort((short) key.length).put(key);
        }
        return out.array();
    }

    /**
     * Decodes blocks of concatenated values into one list in index order, (start time, sequence), keeping those that
     * start in {@code fromMillis..toMillis}.
     *
     * @implNote Blocks are built by {@code group_concat} over an ordered subquery; SQLite keeps that order but does
     * not document it (group_concat's own {@code ORDER BY} would sort again). So the order is checked after
     * decoding, and the list is sorted only if it ever arrives out of order.
     */
    static List<SegmentRecord> decode(List<byte[]> blocks, String bucket, String channel, long fromMillis,
                                      long toMillis) {
        int bytes = 0;
        for (byte[] block : blocks) {
            bytes += block.length;
        }
        List<SegmentRecord> segments = new ArrayList<>(bytes / FIXED_BYTES);
        for (byte[] block : blocks) {
            decodeInto(segments, block, bucket, channel, fromMillis, toMillis);
        }
        for (int i = 1; i < segments.size(); i++) {
            if (INDEX_ORDER.compare(segments.get(i - 1), segments.get(i)) > 0) {
                segments.sort(INDEX_ORDER);
                break;
            }
        }
        return segments;
    }

    private static void decodeInto(List<SegmentRecord> segments, byte[] block, String bucket, String channel,
                                   long fromMillis, long toMillis) {
        ByteBuffer in = ByteBuffer.wrap(block);
        try {
            while (in.hasRemaining()) {
                long start = in.getLong();
                long duration = in.getLong();
                long sequence = in.getLong();
                long size = in.getLong();
                int flags = in.get();
                int keyLength = (flags & EXPLICIT_KEY) != 0 ? Short.toUnsignedInt(in.getShort()) : -1;
                int keyOffset = in.position();
                if (keyLength > 0) {
                    in.position(keyOffset + keyLength);
                }
                if (start >= fromMillis && start <= toMillis) {
                    String key = keyLength < 0 ? standardKey(channel, start)
                            : new String(block, keyOffset, keyLength, StandardCharsets.UTF_8);
                    segments.add(new SegmentRecord(bucket, channel, key, start, duration, sequence,
                            (flags & DISCONTINUITY) != 0, size));
                }
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new CatalogException("corrupt packed segment index entry for channel " + channel
                    + " at byte " + in.position(), e);
        }
    }

    /** {@code <channel>/<epochMillis>.ts}, the form the HLS packager names segments. */
    static String standardKey(String channel, long startMillis) {
        return channel + "/" + startMillis + ".ts";
    }

    private static boolean isStandardKey(SegmentRecord r) {
        return r.objectKey().equals(standardKey(r.channel(), r.startTimeMillis()));
    }
}
