package io.livechannel.storage.fs;

import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk format of one object: a header with its attributes, then the content. Big-endian:
 *
 * <pre>
 *  0  8 bytes  magic "LCOBJ\0\0\1"
 *  8  int      header length H (content starts at H)
 * 12  long     content length          } written with the header (buffer puts) or after the
 * 20  16 bytes ETag of the content     } content (stream puts), always before the rename
 * 36  long     last modified, epoch ms
 * 44  UTF      key (java.io.DataOutput modified UTF-8)
 *     UTF      content type ("" when none)
 *     short    n, then n pairs of UTF name, UTF value (user metadata)
 *  H  content, to the end of the file
 * </pre>
 *
 * A file is only ever read after the rename that published it, so a reader never sees the placeholders. Files
 * written directly by earlier versions may end with fewer than {@link #LEGACY_PADDING_BYTES} zero bytes after the
 * content (they padded direct writes to a block); the header gives the content's length, so reads skip that padding
 * and such files stay readable. A file shorter than its header says is an I/O error.
 *
 * <p>The 16 ETag bytes are the content's MD5 for an {@link PutOptions.Origin#UPLOAD}. For
 * {@link PutOptions.Origin#LIVE_OUTPUT} they are {@link #checksumTag}: CRC32C of the content (4 bytes), four zero
 * bytes, and the content length (8 bytes), all big-endian. CRC32C is a CPU instruction on x86 and ARM (a JDK
 * intrinsic, tens of GB/s); MD5 runs at under 1 GB/s, which at 1 Gbit/s of ingest was about 9 CPU seconds per
 * 9 GB. The zero bytes make such an ETag easy to tell from an MD5 by eye; the length makes objects of different
 * sizes differ whatever the checksum.
 */
final class ObjectFile {
    private static final byte[] MAGIC = {'L', 'C', 'O', 'B', 'J', 0, 0, 1};
    private static final int SIZE_OFFSET = 12;
    /** Bounds what a reader allocates for a header: key 1023 bytes + metadata 8 KB + content type, with room. */
    static final int MAX_HEADER_BYTES = 32 * 1024;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    /** Trailing bytes a reader accepts after the content: the block padding of earlier versions' files. */
    static final int LEGACY_PADDING_BYTES = 64 * 1024;

    /** A decoded header; {@code contentOffset} is where the content starts. */
    record Header(StoredObject object, int contentOffset) {
    }

    private ObjectFile() {
    }

    /**
     * An object file laid out in memory, ready to be written: the header (size and ETag filled in), the content (a
     * duplicate of the caller's buffer, which must stay unchanged until the file is written) and what a head of the
     * object will return.
     */
    record Layout(ByteBuffer header, ByteBuffer content, StoredObject object) {
        /** Header and content: the file's length. */
        long fileBytes() {
            return header.remaining() + (long) content.remaining();
        }
    }

    /**
     * Lays out the object file of {@code data}'s remaining bytes: the ETag is computed first from the buffer, so the
     * header is complete before anything is written. {@code data}'s position and limit are unchanged.
     */
    static Layout layout(String key, ByteBuffer data, PutOptions options, Instant lastModified) throws IOException {
        ByteBuffer content = data.duplicate();
        long size = content.remaining();
        byte[] tag = tag(content, options);
        ByteBuffer header = ByteBuffer.wrap(encodeHeader(key, options, lastModified));
        header.putLong(SIZE_OFFSET, size).put(SIZE_OFFSET + 8, tag);
        return new Layout(header, content, stored(key, size, tag, options, lastModified));
    }

    /**
     * Writes a laid-out object to {@code file}, a new temporary file, through the page cache: one gathering write, in
     * which a direct buffer goes to the kernel without a copy on the Java side. The layout's buffers do not move.
     *
     * @param force whether to fsync the file before returning
     * @throws java.nio.file.NoSuchFileException when {@code file}'s directory does not exist
     */
    static void writeBuffered(Path file, Layout layout, boolean force) throws IOException {
        ByteBuffer header = layout.header().duplicate();
        ByteBuffer content = layout.content().duplicate();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer[] parts = {header, content};
            while (header.hasRemaining() || content.hasRemaining()) {
                ch.write(parts);
            }
            if (force) {
                ch.force(true);
            }
        }
    }

    /**
     * Writes header and content to {@code file} (a new temporary file), then fills in size and ETag. Streams
     * {@code data}: memory use is one copy buffer whatever the object size.
     *
     * @param length the expected byte count, or -1 when unknown
     * @param force whether to fsync the file before returning
     * @throws java.nio.file.NoSuchFileException when {@code file}'s directory does not exist
     */
    static StoredObject write(Path file, String key, InputStream data, long length, PutOptions options,
                              Instant lastModified, boolean force) throws IOException, StorageException {
        byte[] header = encodeHeader(key, options, lastModified);
        boolean live = options.origin() == PutOptions.Origin.LIVE_OUTPUT;
        MessageDigest md5 = live ? null : md5();
        CRC32C crc = live ? new CRC32C() : null;
        long count = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, ByteBuffer.wrap(header));
            byte[] buf = new byte[COPY_BUFFER_BYTES];
            int n;
            while ((n = data.read(buf)) > 0) {
                if (live) {
                    crc.update(buf, 0, n);
                } else {
                    md5.update(buf, 0, n);
                }
                writeFully(ch, ByteBuffer.wrap(buf, 0, n));
                count += n;
            }
            if (length >= 0 && count != length) {
                throw new StorageException(StorageException.Kind.IO,
                        "content of " + key + " had " + count + " bytes, expected " + length);
            }
            byte[] tag = live ? checksumTag(crc, count) : md5.digest();
            ByteBuffer fixed = ByteBuffer.allocate(8 + tag.length).putLong(count).put(tag).flip();
            while (fixed.hasRemaining()) {
                ch.write(fixed, SIZE_OFFSET + fixed.position());
            }
            if (force) {
                ch.force(true);
            }
            return stored(key, count, tag, options, lastModified);
        }
    }

    /** The ETag bytes of {@code content}'s remaining bytes under {@code options}' origin; the position is not moved. */
    static byte[] tag(ByteBuffer content, PutOptions options) {
        if (options.origin() == PutOptions.Origin.LIVE_OUTPUT) {
            CRC32C crc = new CRC32C();
            crc.update(content.duplicate());
            return checksumTag(crc, content.remaining());
        }
        MessageDigest md5 = md5();
        md5.update(content.duplicate());
        return md5.digest();
    }

    /** {@link #tag} as the upper-case hex an ETag is. */
    static String etag(ByteBuffer content, PutOptions options) {
        return HexFormat.of().withUpperCase().formatHex(tag(content, options));
    }

    /** The ETag bytes of live output: CRC32C, four zero bytes, length (see the class comment). */
    static byte[] checksumTag(CRC32C crc, long length) {
        return ByteBuffer.allocate(16).putInt((int) crc.getValue()).putInt(0).putLong(length).array();
    }

    private static StoredObject stored(String key, long size, byte[] tag, PutOptions options, Instant lastModified) {
        return new StoredObject(key, size, HexFormat.of().withUpperCase().formatHex(tag), lastModified,
                options.contentType(), options.userMetadata());
    }

    private static byte[] encodeHeader(String key, PutOptions options, Instant lastModified) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(0); // header length, patched below
        out.writeLong(0);
        out.write(new byte[16]);
        out.writeLong(lastModified.toEpochMilli());
        out.writeUTF(key);
        out.writeUTF(options.contentType() == null ? "" : options.contentType());
        out.writeShort(options.userMetadata().size());
        for (Map.Entry<String, String> e : options.userMetadata().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        byte[] header = bytes.toByteArray();
        ByteBuffer.wrap(header).putInt(MAGIC.length, header.length);
        return header;
    }

    /** Reads the header of an open object file with positional reads (the channel's position is untouched). */
    static Header read(FileChannel ch) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(MAGIC.length + 4);
        readFully(ch, fixed, 0);
        byte[] magic = Arrays.copyOf(fixed.array(), MAGIC.length);
        int headerLength = fixed.getInt(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC) || headerLength < 44 || headerLength > MAX_HEADER_BYTES) {
            throw new IOException("not an object file (bad magic or header length " + headerLength + ")");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate(headerLength);
        readFully(ch, headerBytes, 0);
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(headerBytes.array()));
        in.skipNBytes(SIZE_OFFSET);
        long size = in.readLong();
        byte[] digest = in.readNBytes(16);
        Instant lastModified = Instant.ofEpochMilli(in.readLong());
        String key = readUtf(in);
        String contentType = readUtf(in);
        int pairs = in.readUnsignedShort();
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < pairs; i++) {
            metadata.put(readUtf(in), readUtf(in));
        }
        long contentAndPadding = ch.size() - headerLength;
        if (size < 0 || size > contentAndPadding || contentAndPadding - size >= LEGACY_PADDING_BYTES) {
            throw new IOException("object file of " + key + " has " + ch.size() + " bytes, header says "
                    + headerLength + " + " + size);
        }
        StoredObject object = new StoredObject(key, size, HexFormat.of().withUpperCase().formatHex(digest),
                lastModified, contentType.isEmpty() ? null : contentType, metadata);
        return new Header(object, headerLength);
    }

    /**
     * {@link DataInputStream#readUTF}, which allocates for the length a string declares before reading it: a length
     * past the end of the header is refused first, so a damaged header cannot make a read allocate more than it is.
     */
    private static String readUtf(DataInputStream in) throws IOException {
        in.mark(2);
        int length = in.readUnsignedShort();
        if (length > in.available()) {
            throw new EOFException("a string of " + length + " bytes passes the end of the object header");
        }
        in.reset();
        return in.readUTF();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new IOException("object file ends inside its header");
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
