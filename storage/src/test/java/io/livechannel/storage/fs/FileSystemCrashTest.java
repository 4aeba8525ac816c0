package io.livechannel.storage.fs;

import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StoredObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash test: a child JVM ({@link CrashingWriter}) writes objects in a loop and is killed with SIGKILL at a
 * random moment, several times over the same store. After each kill, every listed object must be complete and
 * readable: its size and ETag (MD5 or checksum, by origin) match its header, and its bytes match the seed it was
 * written with. Run once per {@link FsyncPolicy}: a killed process must never expose a partial object whether or
 * not anything was forced to disk (the page cache outlives the process).
 */
class FileSystemCrashTest {
    private static final int ROUNDS = 5;
    private static final String BUCKET = "crash";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void aWriterKilledAtRandomMomentsLeavesOnlyCompleteObjects(FsyncPolicy policy) throws Exception {
        Path root = tmp.resolve("objects");
        Random random = new Random();
        int listedTotal = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int opsBeforeKill = 3 + random.nextInt(20);
            Process child = startWriter(root, random.nextLong(), policy);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                int seen = 0;
                while (seen < opsBeforeKill) {
                    String line = out.readLine();
                    assertThat(line).as("writer output ended early").isNotNull();
                    seen += line.startsWith("done ") ? 1 : 0; // other lines are the child's log
                }
                // Let it run a random 0-79 ms more: reading a "done" line alone would always kill at the same
                // point (the start of the next operation) and never inside a half-written object.
                assertThat(child.waitFor(random.nextInt(80), TimeUnit.MILLISECONDS)).isFalse();
                child.destroyForcibly(); // SIGKILL
            } finally {
                child.destroyForcibly();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL: it did not exit on its own

            listedTotal += assertEveryListedObjectIsComplete(root);
        }
        assertThat(listedTotal).isPositive();
    }

    private Process startWriter(Path root, long seed, FsyncPolicy policy) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), root.toString(), BUCKET, Long.toString(seed), policy.name())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static int assertEveryListedObjectIsComplete(Path root) throws Exception {
        FileSystemObjectStore store = new FileSystemObjectStore(root); // also removes the killed write's temp file
        ObjectListing listing = store.list(BUCKET, ListQuery.prefix("", 1000));
        assertThat(listing.truncated()).isFalse();
        for (StoredObject listed : listing.objects()) {
            try (ObjectStream got = store.get(BUCKET, listed.key(), null)) {
                byte[] bytes = got.content().readAllBytes();
                long seed = Long.parseLong(got.object().userMetadata().get("seed"));
                assertThat(bytes.length).as(listed.key()).isEqualTo(listed.size());
                boolean live = got.object().userMetadata().get("origin").equals("LIVE_OUTPUT");
                assertThat(live ? ETags.checksum(bytes) : ETags.md5(bytes)).as(listed.key()).isEqualTo(listed.etag());
                assertThat(bytes).as(listed.key()).isEqualTo(CrashingWriter.content(seed, bytes.length));
                assertThat(CrashingWriter.KEYS).contains(listed.key());
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith(".tmp-"))).isEmpty();
        }
        return listing.objects().size();
    }
}
