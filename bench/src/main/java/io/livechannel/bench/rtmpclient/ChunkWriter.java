package io.livechannel.bench.rtmpclient;

import io.netty.buffer.ByteBuf;

/**
 * Writes one RTMP message as chunks (RTMP spec §5.3.1): a type-0 chunk carrying the full message header, then
 * type-3 chunks for each further {@code chunkSize} bytes of payload.
 *
 * <pre>
 * basic header (1 byte, csid 2..63):  fmt (2 bits) | csid (6 bits)
 * type-0 message header (11 bytes):   timestamp u24 | message length u24 | type id u8 | message stream id u32 LE
 * extended timestamp u32              when timestamp >= 0xFFFFFF (also repeated in every type-3 chunk)
 * </pre>
 * Pure; writes into the caller's buffer and never retains it.
 */
public final class ChunkWriter {
    /** Chunk size OBS and ffmpeg announce; the load generator sends the same. */
    public static final int OBS_CHUNK_SIZE = 4096;

    private static final int MAX_SHORT_CSID = 63;
    private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;

    private final int chunkSize;

    public ChunkWriter(int chunkSize) {
        if (chunkSize < 1 || chunkSize > 0x7FFFFFFF) {
            throw new IllegalArgumentException("chunkSize out of range: " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    /** Bytes {@link #write} will produce for a message of {@code payloadLength} bytes. */
    public int encodedLength(int payloadLength, long timestampMillis) {
        int chunks = Math.max(1, (payloadLength + chunkSize - 1) / chunkSize);
        int ext = timestampMillis >= EXTENDED_TIMESTAMP ? 4 : 0;
        return 12 + ext + (chunks - 1) * (1 + ext) + payloadLength;
    }

    /**
     * Appends the chunks of one message to {@code out}. Reads {@code payloadLength} bytes of {@code payload} from
     * {@code payloadOffset} without changing its indexes; retains neither buffer.
     */
    public void write(ByteBuf out, MessageHeader header, ByteBuf payload, int payloadOffset, int payloadLength) {
        int csid = header.chunkStreamId();
        if (csid < 2 || csid > MAX_SHORT_CSID) {
            throw new IllegalArgumentException("chunk stream id must be 2..63 here: " + csid);
        }
        long ts = header.timestampMillis();
        boolean extended = ts >= EXTENDED_TIMESTAMP;
        out.writeByte(csid);
        out.writeMedium(extended ? EXTENDED_TIMESTAMP : (int) ts);
        out.writeMedium(payloadLength);
        out.writeByte(header.typeId());
        out.writeIntLE(header.messageStreamId());
        writeExtended(out, extended, ts);
        int written = 0;
        do {
            int n = Math.min(chunkSize, payloadLength - written);
            out.writeBytes(payload, payloadOffset + written, n);
            written += n;
            if (written < payloadLength) {
                out.writeByte(0xC0 | csid);
                writeExtended(out, extended, ts);
            }
        } while (written < payloadLength);
    }

    private static void writeExtended(ByteBuf out, boolean extended, long ts) {
        if (extended) {
            out.writeInt((int) ts);
        }
    }

    /**
     * The fields of a type-0 chunk message header.
     *
     * @param chunkStreamId   2..63
     * @param timestampMillis 0..2^32-1
     * @param typeId          RTMP message type id
     * @param messageStreamId 0 for control and NetConnection commands, the createStream result otherwise
     */
    public record MessageHeader(int chunkStreamId, long timestampMillis, int typeId, int messageStreamId) {
        public MessageHeader {
            if (timestampMillis < 0 || timestampMillis > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("timestampMillis out of u32 range: " + timestampMillis);
            }
        }
    }
}
