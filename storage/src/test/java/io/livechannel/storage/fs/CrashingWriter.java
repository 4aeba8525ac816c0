package io.livechannel.storage.fs;

import io.livechannel.storage.PutOptions;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child process of {@link FileSystemCrashTest}: writes, overwrites and deletes objects in a loop until it is
 * killed, printing one line per completed operation. Each object's content is derived from the seed stored in its
 * user metadata, so the parent can check every byte after the kill. Arguments: root, bucket, seed, fsync policy.
 * Puts alternate between the two paths: an upload streamed slowly (MD5 ETag) and live output from a direct buffer
 * (checksum ETag), named in the user metadata {@code origin}.
 */
public final class CrashingWriter {
    static final List<String> KEYS = List.of("live/cam1/playlist.m3u8", "live/cam1/1.ts", "live/cam1/2.ts",
            "live/cam2/playlist.m3u8", "\u4e2d\u6587/\u89c6\u9891.ts", "deep/a/b/c/d/e/f.ts", "x".repeat(400),
            "..", "sp ace", "live/cam1/", "emoji-\uD83C\uDFA5.ts");

    private CrashingWriter() {
    }

    public static void main(String[] args) throws Exception {
        FileSystemObjectStore store = new FileSystemObjectStore(Path.of(args[0]), Clock.systemUTC(),
                FsyncPolicy.valueOf(args[3]));
        String bucket = args[1];
        Random random = new Random(Long.parseLong(args[2]));
        store.createBucket(bucket);
        for (long op = 0; ; op++) {
            String key = KEYS.get(random.nextInt(KEYS.size()));
            if (random.nextInt(10) == 0) {
                store.delete(bucket, key);
            } else {
                long seed = random.nextLong();
                int size = random.nextInt(128 * 1024);
                if (op % 2 == 0) {
                    store.put(bucket, key, new SlowSource(content(seed, size)), size, new PutOptions("video/mp2t",
                            Map.of("seed", Long.toString(seed), "origin", "UPLOAD")));
                } else {
                    ByteBuffer direct = ByteBuffer.allocateDirect(size).put(content(seed, size)).flip();
                    store.put(bucket, key, direct, new PutOptions("video/mp2t",
                            Map.of("seed", Long.toString(seed), "origin", "LIVE_OUTPUT"),
                            PutOptions.Origin.LIVE_OUTPUT));
                }
            }
            System.out.println("done " + op);
            System.out.flush();
        }
    }

    /**
     * Hands out the bytes a few KB at a time with a pause, like an upload from a slow client, so that a kill
     * usually lands while an object is half written (the window a non-atomic store would expose).
     */
    private static final class SlowSource extends java.io.ByteArrayInputStream {
        SlowSource(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.read(b, off, Math.min(len, 4096));
        }
    }

    static byte[] content(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
