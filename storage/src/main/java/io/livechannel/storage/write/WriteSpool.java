package io.livechannel.storage.write;

import io.livechannel.storage.PutOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The on-disk backlog: one file per write, named {@code <sequence>.spool} (20 digits, so names sort in submission
 * order), written to a hidden temporary file, fsynced and renamed, so a crash leaves whole entries only. Layout:
 *
 * <pre>
 * 8 bytes magic "LCSPOOL2", int header length H, long sequence, UTF ordering key, UTF bucket, UTF key,
 * UTF content type ("" when none), short n + n pairs of UTF name/value (user metadata), long size,
 * UTF fence token ("" when none, see {@link WriteFence}); content at H
 * </pre>
 *
 * Entries of the first layout ({@code LCSPOOL1}: no fence token) are still read.
 */
final class WriteSpool {
    private static final Logger log = LoggerFactory.getLogger(WriteSpool.class);
    private static final byte[] MAGIC = {'L', 'C', 'S', 'P', 'O', 'O', 'L', '2'};
    private static final byte[] MAGIC_WITHOUT_FENCE = {'L', 'C', 'S', 'P', 'O', 'O', 'L', '1'};
    private static final String SUFFIX = ".spool";
    /** Key 1023 bytes + metadata 8 KB + names, with room; bounds what recovery allocates for a header. */
    private static final int MAX_HEADER_BYTES = 32 * 1024;

    private final Path dir;

    WriteSpool(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    /**
     * Writes the entry's bytes (from its buffer) durably and points the entry at the file; the caller releases the
     * buffer afterwards.
     */
    void spool(PendingWrite w) throws IOException {
        byte[] header = header(w);
        Path temp = dir.resolve(".tmp-" + w.sequence);
        Path file = dir.resolve(String.format("%020d", w.sequence) + SUFFIX);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.wrap(header);
            while (h.hasRemaining()) {
                ch.write(h);
            }
            ByteBuffer content = w.data().duplicate();
            while (content.hasRemaining()) {
                ch.write(content);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        w.spooledTo(file, header.length);
    }

    private static byte[] header(PendingWrite w) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(0);
        out.writeLong(w.sequence);
        out.writeUTF(w.orderingKey);
        out.writeUTF(w.bucket);
        out.writeUTF(w.key);
        out.writeUTF(w.options.contentType() == null ? "" : w.options.contentType());
        out.writeShort(w.options.userMetadata().size());
        for (Map.Entry<String, String> e : w.options.userMetadata().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeLong(w.size);
        out.writeUTF(w.fence == null ? "" : w.fence.token());
        byte[] header = bytes.toByteArray();
        ByteBuffer.wrap(header).putInt(MAGIC.length, header.length);
        return header;
    }

    /** Deletes a stored entry's file. */
    void delete(PendingWrite w) {
        try {
            Files.deleteIfExists(w.spoolFile());
        } catch (IOException e) {
            log.warn("cannot delete spooled write {}: {}", w.spoolFile(), e.toString());
        }
    }

    /**
     * Reads every entry left by an earlier run, in submission order. Unreadable entries are renamed to
     * {@code *.corrupt} and reported, never retried blindly; temporary files of interrupted spools are deleted.
     *
     * @param fences decides, when its turn comes, whether a fenced entry may still be stored (by its token)
     */
    List<PendingWrite> recover(Predicate<String> fences) throws IOException {
        List<PendingWrite> recovered = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".tmp-")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(SUFFIX)) {
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path file : files) {
            try {
                recovered.add(read(file, fences));
            } catch (IOException | IllegalArgumentException e) {
                Path corrupt = file.resolveSibling(file.getFileName() + ".corrupt");
                Files.move(file, corrupt, StandardCopyOption.REPLACE_EXISTING);
                log.error("spooled write {} is unreadable ({}); kept as {} and not retried", file, e.toString(), corrupt);
            }
        }
        return recovered;
    }

    private static PendingWrite read(Path file, Predicate<String> fences) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream in = new DataInputStream(raw);
            byte[] magic = in.readNBytes(MAGIC.length);
            int headerLength = in.readInt();
            boolean fenced = Arrays.equals(magic, MAGIC);
            if (!fenced && !Arrays.equals(magic, MAGIC_WITHOUT_FENCE) || headerLength > MAX_HEADER_BYTES) {
                throw new IOException("bad magic or header length " + headerLength);
            }
            long sequence = in.readLong();
            String orderingKey = in.readUTF();
            String bucket = in.readUTF();
            String key = in.readUTF();
            String contentType = in.readUTF();
            int pairs = in.readUnsignedShort();
            Map<String, String> metadata = new HashMap<>();
            for (int i = 0; i < pairs; i++) {
                metadata.put(in.readUTF(), in.readUTF());
            }
            long size = in.readLong();
            String token = fenced ? in.readUTF() : "";
            if (Files.size(file) != headerLength + size) {
                throw new IOException("file has " + Files.size(file) + " bytes, header says " + (headerLength + size));
            }
            return new PendingWrite(sequence, orderingKey, bucket, key,
                    new PutOptions(contentType.isEmpty() ? null : contentType, metadata),
                    token.isEmpty() ? null : WriteFence.recovered(token, fences), size, file, headerLength);
        }
    }
}
