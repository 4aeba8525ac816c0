package io.livechannel.ts;

import io.netty.buffer.ByteBuf;

/**
 * The payload of one PES packet as a list of byte ranges in other buffers (a gather list), so an access unit can be
 * written into TS packets straight from the RTMP message, its start codes and the parameter sets, without first
 * being copied into one contiguous buffer.
 *
 * <p>Holds references without retaining them: every range must stay readable until the {@link TsWriter} call that
 * consumes this payload returns. Reused across frames ({@link #clear()}); its arrays grow to the largest number of
 * ranges seen and are never shrunk, so steady state allocates nothing. Not thread-safe.
 */
public final class PesPayload {
    private ByteBuf[] buffers = new ByteBuf[16];
    private int[] indexes = new int[16];
    private int[] lengths = new int[16];
    private int count;
    private int length;
    private int cursor;
    private int cursorOffset;

    /** Forgets every range (and drops the buffer references). */
    public PesPayload clear() {
        for (int i = 0; i < count; i++) {
            buffers[i] = null;
        }
        count = 0;
        length = 0;
        cursor = 0;
        cursorOffset = 0;
        return this;
    }

    /** Appends {@code length} bytes of {@code buffer} from absolute {@code index}; does not retain it. */
    public PesPayload add(ByteBuf buffer, int index, int length) {
        if (length == 0) {
            return this;
        }
        if (count == buffers.length) {
            grow();
        }
        buffers[count] = buffer;
        indexes[count] = index;
        lengths[count] = length;
        count++;
        this.length += length;
        return this;
    }

    /** Appends the readable bytes of {@code buffer}; does not retain it or move its indexes. */
    public PesPayload add(ByteBuf buffer) {
        return add(buffer, buffer.readerIndex(), buffer.readableBytes());
    }

    /** Total bytes. */
    public int length() {
        return length;
    }

    /** Copies the next {@code n} bytes into {@code out}, continuing where the previous call stopped. */
    void copyNext(ByteBuf out, int n) {
        while (n > 0) {
            int available = lengths[cursor] - cursorOffset;
            int chunk = Math.min(n, available);
            out.writeBytes(buffers[cursor], indexes[cursor] + cursorOffset, chunk);
            n -= chunk;
            if (chunk == available) {
                cursor++;
                cursorOffset = 0;
            } else {
                cursorOffset += chunk;
            }
        }
    }

    /** Restarts copying from the first byte. */
    void rewind() {
        cursor = 0;
        cursorOffset = 0;
    }

    private void grow() {
        int size = buffers.length * 2;
        buffers = java.util.Arrays.copyOf(buffers, size);
        indexes = java.util.Arrays.copyOf(indexes, size);
        lengths = java.util.Arrays.copyOf(lengths, size);
    }
}
