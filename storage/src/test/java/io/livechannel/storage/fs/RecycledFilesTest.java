package io.livechannel.storage.fs;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool's rules with a clock set by hand: quarantine, oldest first, per-directory limit, idle sweep. */
class RecycledFilesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Path A = Path.of("/store/live/a");
    private static final Path B = Path.of("/store/live/b");

    private final AtomicLong nanos = new AtomicLong(-100 * SECOND); // nanoTime may be negative
    private final List<Path> unlinked = new ArrayList<>();
    private final RecycledFiles pool = new RecycledFiles(nanos::get, Duration.ofSeconds(60), Duration.ofSeconds(180),
            3, unlinked::add);

    @Test
    void aFileIsReusedOnlyAfterItsQuarantineOldestFirstAndInItsOwnDirectory() {
        pool.keep(A, A.resolve("r1"));
        nanos.addAndGet(SECOND);
        pool.keep(A, A.resolve("r2"));

        nanos.addAndGet(59 * SECOND - 1);
        assertThat(pool.take(A)).as("r1 retired 1 ns short of a minute ago").isNull();
        nanos.addAndGet(1);
        assertThat(pool.take(B)).as("another directory's").isNull();
        assertThat(pool.take(A)).isEqualTo(A.resolve("r1"));
        assertThat(pool.take(A)).as("r2 is a second younger").isNull();
        nanos.addAndGet(SECOND);
        assertThat(pool.take(A)).isEqualTo(A.resolve("r2"));
        assertThat(pool.take(A)).isNull();
        assertThat(pool.size()).isZero();
        assertThat(unlinked).isEmpty();
    }

    @Test
    void beyondTheLimitPerDirectoryTheOldestIsUnlinked() {
        for (int i = 1; i <= 4; i++) {
            pool.keep(A, A.resolve("r" + i));
        }
        pool.keep(B, B.resolve("r1"));

        assertThat(unlinked).containsExactly(A.resolve("r1"));
        assertThat(pool.size()).isEqualTo(4);
        nanos.addAndGet(60 * SECOND);
        assertThat(pool.take(A)).isEqualTo(A.resolve("r2"));
    }

    @Test
    void sweepUnlinksWhatWasKeptTooLongAndClearUnlinksTheRest() {
        pool.keep(A, A.resolve("old"));
        pool.keep(B, B.resolve("old"));
        nanos.addAndGet(100 * SECOND);
        pool.keep(A, A.resolve("young"));
        nanos.addAndGet(80 * SECOND - 1);
        assertThat(pool.sweep()).isZero();
        nanos.addAndGet(1);

        assertThat(pool.sweep()).isEqualTo(2);
        assertThat(unlinked).containsExactlyInAnyOrder(A.resolve("old"), B.resolve("old"));
        assertThat(pool.size()).isEqualTo(1);
        pool.clear();
        assertThat(unlinked).contains(A.resolve("young"));
        assertThat(pool.size()).isZero();
        assertThat(pool.take(A)).isNull();
    }

    @Test
    void theIdleLimitMustExceedTheQuarantine() {
        assertThatThrownBy(() -> new RecycledFiles(nanos::get, Duration.ofSeconds(60), Duration.ofSeconds(60), 3,
                unlinked::add)).isInstanceOf(IllegalArgumentException.class);
    }
}
