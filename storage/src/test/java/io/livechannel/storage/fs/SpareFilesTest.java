package io.livechannel.storage.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of {@link SpareFiles} on real directories, with the idle clock set by hand: spares appear after a
 * directory's first take, are handed out oldest first and topped up, and go when idle, at close, or (forgotten) with
 * their bucket. Waits are bounds against a hang: the spares are made on the class's own thread.
 */
class SpareFilesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Duration MAX_IDLE = Duration.ofSeconds(180);

    @TempDir
    Path tmp;
    private final AtomicLong nanos = new AtomicLong(-100 * SECOND); // nanoTime may be negative
    private final AtomicInteger names = new AtomicInteger();
    private final List<Path> unlinked = new CopyOnWriteArrayList<>();
    private final SpareFiles spares = new SpareFiles(nanos::get, 2, MAX_IDLE,
            dir -> dir.resolve(".tmp-test-" + names.incrementAndGet() + FileSystemObjectStore.SPARE_SUFFIX),
            this::unlink);

    @AfterEach
    void close() {
        spares.close();
    }

    private void unlink(Path file) {
        unlinked.add(file);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aDirectoryGetsSparesFromItsFirstTakeAndEachTakeIsToppedUp() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("live/ch1"));
        assertThat(spares.take(dir)).as("none made yet: the caller creates its own").isNull();
        await(() -> spares.size() == 2);
        List<Path> made = sparesIn(dir);
        assertThat(made).hasSize(2).allSatisfy(f -> assertThat(f).isEmptyFile());

        Path first = spares.take(dir);
        assertThat(first).as("the oldest").isEqualTo(dir.resolve(".tmp-test-1.spare")).isIn(made);
        assertThat(Files.exists(first)).isTrue();
        await(() -> spares.size() == 2);
        Path second = spares.take(dir);
        Path third = spares.take(dir);
        assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
        await(() -> spares.size() == 2);
        assertThat(sparesIn(dir)).as("the taken ones are the callers'; two ready besides").hasSize(5);
        assertThat(spares.taken()).isEqualTo(3);
        assertThat(spares.missed()).isEqualTo(1);
        assertThat(unlinked).isEmpty();
    }

    @Test
    void sparesOfADirectoryNotTakenFromForTheIdleLimitAreUnlinked() throws Exception {
        Path idle = Files.createDirectories(tmp.resolve("live/idle"));
        Path busy = Files.createDirectories(tmp.resolve("live/busy"));
        spares.take(idle);
        spares.take(busy);
        await(() -> spares.size() == 4);

        nanos.addAndGet(MAX_IDLE.toNanos() - 1);
        assertThat(spares.sweep()).as("1 ns short of the limit").isZero();
        spares.take(busy);
        nanos.addAndGet(1);
        assertThat(spares.sweep()).isEqualTo(2);

        assertThat(sparesIn(idle)).isEmpty();
        assertThat(unlinked).hasSize(2).allSatisfy(f -> assertThat(f.getParent()).isEqualTo(idle));
        await(() -> spares.size() == 2);
        assertThat(spares.take(busy)).isNotNull();
        assertThat(spares.take(idle)).as("starts afresh").isNull();
    }

    @Test
    void discardUnderForgetsABucketsSparesAndNoOthers() throws Exception {
        Path gone = Files.createDirectories(tmp.resolve("gone/ch"));
        Path kept = Files.createDirectories(tmp.resolve("kept/ch"));
        spares.take(gone);
        spares.take(kept);
        await(() -> spares.size() == 4);

        spares.discardUnder(tmp.resolve("gone"));

        assertThat(spares.size()).isEqualTo(2);
        assertThat(unlinked).as("left to the bucket's delete").isEmpty();
        assertThat(spares.take(kept)).isNotNull().exists();
        assertThat(spares.take(gone)).isNull();
    }

    @Test
    void aDirectoryThatCannotHoldSparesGetsNoneAndTakesKeepAnsweringNull() throws Exception {
        Path missing = tmp.resolve("live/missing");
        Path fine = Files.createDirectories(tmp.resolve("live/fine"));
        assertThat(spares.take(missing)).isNull();
        spares.take(fine); // made after the failed attempt, on the same thread
        await(() -> spares.size() == 2);

        assertThat(spares.take(missing)).isNull();
        assertThat(missing).doesNotExist();
    }

    @Test
    void forgottenSparesAreNotHandedOut() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("live/ch"));
        spares.take(dir);
        await(() -> spares.size() == 2);

        spares.forget(dir);

        assertThat(spares.size()).isZero();
        assertThat(sparesIn(dir)).as("unlinked").isEmpty();
        assertThat(spares.take(dir)).isNull();
    }

    @Test
    void closeUnlinksTheSparesReadyAndTakesAnswerNullAfterwards() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("live/ch"));
        spares.take(dir);
        await(() -> spares.size() == 2);

        spares.close();

        assertThat(sparesIn(dir)).isEmpty();
        assertThat(unlinked).hasSize(2);
        assertThat(spares.take(dir)).isNull();
        assertThat(sparesIn(dir)).as("no refill after close").isEmpty();
    }

    @Test
    void aPerDirectoryCountBelowOneIsRefused() {
        assertThatThrownBy(() -> new SpareFiles(nanos::get, 0, MAX_IDLE, dir -> dir, f -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perDirectory >= 1");
    }

    private static List<Path> sparesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(FileSystemObjectStore.SPARE_SUFFIX))
                    .sorted().toList();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30 * SECOND;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met within 30 s").isNegative();
            Thread.sleep(1);
        }
    }
}
