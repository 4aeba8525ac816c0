package io.livechannel.storage.fs;

import io.livechannel.storage.ObjectKey;
import io.livechannel.storage.StorageException;

import java.nio.file.Path;
import java.util.Random;

/** What the file-system store's tests share: where a key's file is, and content that differs per seed. */
final class StoreFiles {
    private StoreFiles() {
    }

    /** Where the store keeps {@code key} under {@code bucketDir}, as {@link KeyPathCodec} maps it. */
    static Path objectFile(Path bucketDir, String key) throws StorageException {
        Path file = bucketDir;
        for (String name : KeyPathCodec.objectPath(ObjectKey.checkedUtf8(key))) {
            file = file.resolve(name);
        }
        return file;
    }

    /** {@code size} random bytes, the same for the same seed. */
    static byte[] bytes(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
