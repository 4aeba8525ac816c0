package io.livechannel.ts;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * The payload of one PES packet as a list of byte ranges in other buffers (a gather list), so an access unit can be
 * written into TS packets straight from the RTMP message, its start codes and the parameter sets, without first
 * being copied into one contiguous buffer.
 *
 * <p>Holds references without retaining them: every range must stay readable until the {@link TsWriter} call that
 * consumes this payload returns. Reused across frames ({@link #clear()}); its arrays grow to the largest number of
 * ranges seen and are never shrunk, so steady state allocates nothing. Not thread-safe.
 *
 * <p>Two ways to copy: {@link #copyNext} through the output's {@code ByteBuf} methods, and {@link #copyNextTo} by
 * memory address, which {@link TsWriter} uses for the full packets of a PES when every range and the output have
 * one ({@link #addressable}): it skips the bounds and reference checks a {@code ByteBuf} copy makes on each
 * 184-byte packet, which were most of the muxer's time ({@code TsMuxerBenchmark}). What keeps that
 * safe: {@link #add} checks each range against its buffer's capacity, {@link #addressable} checks that each buffer
 * is still referenced, and the caller checks the output's room.
 */
public final class PesPayload {
    private ByteBuf[] buffers = new ByteBuf[16];
    private int[] indexes = new int[16];
    private int[] lengths = new int[16];
    /** Per range, when {@link #addressable} said so: the address of its first byte, or its array when on the heap. */
    private long[] addresses = new long[16];
    private byte[][] arrays = new byte[16][];
    private int count;
    private int length;
    private int cursor;
    private int cursorOffset;

    /** Forgets every range (and drops the buffer references). */
    public PesPayload clear() {
        for (int i = 0; i < count; i++) {
            buffers[i] = null;
            arrays[i] = null;
        }
        count = 0;
        length = 0;
        cursor = 0;
        cursorOffset = 0;
        return this;
    }

    /**
     * Appends {@code length} bytes of {@code buffer} from absolute {@code index}; does not retain it.
     *
     * @throws IndexOutOfBoundsException when the range is not inside the buffer's capacity
     */
    public PesPayload add(ByteBuf buffer, int index, int length) {
        if (index < 0 || length < 0 || index > buffer.capacity() - length) {
            throw new IndexOutOfBoundsException("range " + index + "+" + length + " outside a buffer of capacity "
                    + buffer.capacity());
        }
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

    /** Appends every byte to {@code out} (which must have room for {@link #length()} more); leaves the cursor. */
    public void copyTo(ByteBuf out) {
        for (int i = 0; i < count; i++) {
            out.writeBytes(buffers[i], indexes[i], lengths[i]);
        }
    }

    /** Copies the next {@code n} bytes into {@code out}, continuing where the previous call stopped. */
    void copyNext(ByteBuf out, int n) {
        while (n > 0) {
            int available = lengths[cursor] - cursorOffset;
            int chunk = Math.min(n, available);
            out.writeBytes(buffers[cursor], indexes[cursor] + cursorOffset, chunk);
            n -= chunk;
            advance(chunk, available);
        }
    }

    /**
     * Whether {@link #copyNextTo} may copy every range: each is in a referenced buffer with a memory address or a
     * heap array, and the platform copies by address. Notes where each range starts for {@link #copyNextTo}.
     */
    boolean addressable() {
        if (!PlatformDependent.hasUnsafe()) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            ByteBuf buffer = buffers[i];
            if (buffer.refCnt() == 0) {
                return false; // released: the ByteBuf path reports it
            }
            if (buffer.hasMemoryAddress()) {
                addresses[i] = buffer.memoryAddress() + indexes[i];
                arrays[i] = null;
            } else if (buffer.hasArray()) {
                addresses[i] = buffer.arrayOffset() + indexes[i];
                arrays[i] = buffer.array();
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the next {@code n} bytes to native memory at {@code address}, as {@link #copyNext} does to a buffer; only
     * after {@link #addressable} returned true, and only into memory the caller has checked has room for them.
     */
    void copyNextTo(long address, int n) {
        while (n > 0) {
            int available = lengths[cursor] - cursorOffset;
            int chunk = Math.min(n, available);
            byte[] array = arrays[cursor];
            if (array == null) {
                PlatformDependent.copyMemory(addresses[cursor] + cursorOffset, address, chunk);
            } else {
                PlatformDependent.copyMemory(array, (int) addresses[cursor] + cursorOffset, address, chunk);
            }
            address += chunk;
            n -= chunk;
            advance(chunk, available);
        }
    }

    /** Moves the cursor past {@code chunk} bytes of the current range, which had {@code available} left. */
    private void advance(int chunk, int available) {
        if (chunk == available) {
            cursor++;
            cursorOffset = 0;
        } else {
            cursorOffset += chunk;
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
        addresses = java.util.Arrays.copyOf(addresses, size);
        arrays = java.util.Arrays.copyOf(arrays, size);
    }
}
