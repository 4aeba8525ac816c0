package io.livechannel.storage.fs;

import io.livechannel.storage.ListQuery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Finds the keys and common prefixes of one listing page under a bucket directory, in UTF-8 binary order (as OSS
 * and S3 sort). It walks only the directory the prefix's complete components lead to. When a whole directory's
 * keys roll up into one common prefix, it is not descended (it is only probed for one object), so listing
 * {@code channel/} with delimiter {@code /} does not read every segment of every channel.
 */
final class BucketLister {
    /** One entry of a page: an object key (with its file) or a common prefix ({@code file == null}). */
    record Entry(String name, Path file) {
        boolean isCommonPrefix() {
            return file == null;
        }
    }

    private final ListQuery query;
    private final byte[] prefix;
    private final byte[] marker;
    private final byte[] delimiter;
    private final TreeMap<byte[], Entry> entries = new TreeMap<>(Arrays::compareUnsigned);

    BucketLister(ListQuery query) {
        this.query = query;
        this.prefix = query.prefix().getBytes(StandardCharsets.UTF_8);
        this.marker = query.marker().getBytes(StandardCharsets.UTF_8);
        this.delimiter = query.delimiter().getBytes(StandardCharsets.UTF_8);
    }

    /** Every entry after the marker, sorted; the caller cuts the page at {@code maxKeys}. */
    List<Entry> list(Path bucketDir) throws IOException {
        Path dir = bucketDir;
        for (String name : KeyPathCodec.directoryPath(prefix)) {
            dir = dir.resolve(name);
        }
        if (Files.isDirectory(dir)) {
            int complete = lastSlash(prefix) + 1;
            walk(dir, Arrays.copyOf(prefix, complete));
        }
        return new ArrayList<>(entries.values());
    }

    private void walk(Path dir, byte[] keySoFar) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                visit(child, keySoFar);
            }
        }
    }

    private void visit(Path child, byte[] keySoFar) throws IOException {
        String name = child.getFileName().toString();
        if (name.startsWith(".")) {
            return; // temporary files of writes in progress or killed
        }
        boolean object = name.endsWith(KeyPathCodec.OBJECT_SUFFIX);
        boolean continuation = name.endsWith(KeyPathCodec.CONTINUATION_SUFFIX);
        String piece = object || continuation ? name.substring(0, name.length() - 2) : name;
        ByteArrayOutputStream key = new ByteArrayOutputStream(keySoFar.length + piece.length() + 1);
        key.writeBytes(keySoFar);
        if (!KeyPathCodec.decodePiece(piece, key)) {
            return;
        }
        if (object) {
            if (Files.isRegularFile(child)) {
                offer(key.toByteArray(), child);
            }
            return;
        }
        if (!continuation) {
            key.write('/');
        }
        byte[] dirKey = key.toByteArray();
        if (!couldMatch(dirKey)) {
            return;
        }
        byte[] rollUp = continuation ? null : commonPrefixOf(dirKey);
        if (rollUp != null && rollUp.length <= dirKey.length) {
            if (containsObject(child)) {
                offerCommonPrefix(rollUp);
            }
        } else if (Files.isDirectory(child)) {
            walk(child, dirKey);
        }
    }

    /** Whether some key starting with {@code dirKey} can start with the prefix. */
    private boolean couldMatch(byte[] dirKey) {
        int n = Math.min(dirKey.length, prefix.length);
        return Arrays.equals(dirKey, 0, n, prefix, 0, n);
    }

    private void offer(byte[] key, Path file) {
        if (!startsWith(key, prefix)) {
            return;
        }
        byte[] rollUp = commonPrefixOf(key);
        if (rollUp != null) {
            offerCommonPrefix(rollUp);
        } else if (Arrays.compareUnsigned(key, marker) > 0) {
            entries.put(key, new Entry(new String(key, StandardCharsets.UTF_8), file));
        }
    }

    private void offerCommonPrefix(byte[] commonPrefix) {
        if (Arrays.compareUnsigned(commonPrefix, marker) > 0) {
            entries.putIfAbsent(commonPrefix, new Entry(new String(commonPrefix, StandardCharsets.UTF_8), null));
        }
    }

    /** The common prefix {@code key} rolls up into, or null; {@code key} must start with the prefix. */
    private byte[] commonPrefixOf(byte[] key) {
        if (delimiter.length == 0 || key.length < prefix.length) {
            return null;
        }
        for (int i = prefix.length; i + delimiter.length <= key.length; i++) {
            if (Arrays.equals(key, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                return Arrays.copyOf(key, i + delimiter.length);
            }
        }
        return null;
    }

    private static boolean containsObject(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.anyMatch(p -> {
                String name = p.getFileName().toString();
                return !name.startsWith(".") && name.endsWith(KeyPathCodec.OBJECT_SUFFIX) && Files.isRegularFile(p);
            });
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int lastSlash(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    ListQuery query() {
        return query;
    }
}
