package io.livechannel.bench.load;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load generator's pace tick: when a message due at some instant is sent. */
class PublisherPacingTest {
    private static final long TICK = 5_000_000L;

    @Test
    void aMessageIsSentOnTheFirstTickAtOrAfterItsDueTime() {
        assertThat(Publisher.onTick(10 * TICK, TICK)).as("due on a tick: that tick").isEqualTo(10 * TICK);
        assertThat(Publisher.onTick(10 * TICK + 1, TICK)).isEqualTo(11 * TICK);
        assertThat(Publisher.onTick(11 * TICK - 1, TICK)).isEqualTo(11 * TICK);
    }

    @Test
    void negativeNanoTimesRoundUpToo() {
        assertThat(Publisher.onTick(-10 * TICK, TICK)).isEqualTo(-10 * TICK);
        assertThat(Publisher.onTick(-10 * TICK + 1, TICK)).isEqualTo(-9 * TICK);
        assertThat(Publisher.onTick(-11 * TICK + 1, TICK)).isEqualTo(-10 * TICK);
    }

    @Test
    void publishersDueAtDifferentInstantsWithinATickShareOneWakeup() {
        long a = Publisher.onTick(3 * TICK + 1, TICK);
        long b = Publisher.onTick(3 * TICK + 2_400_000, TICK);
        long c = Publisher.onTick(4 * TICK, TICK);
        assertThat(a).isEqualTo(b).isEqualTo(c);
    }

    @Test
    void aZeroTickSendsExactlyWhenDue() {
        assertThat(Publisher.onTick(123_456_789L, 0)).isEqualTo(123_456_789L);
        assertThat(Publisher.onTick(-7, 0)).isEqualTo(-7);
    }

    @Test
    void theTickIsBounded() {
        Path flv = Path.of("load.flv");
        assertThatThrownBy(() -> new LoadConfig("h", 1, "live", "s-%d", 1, Duration.ZERO, Duration.ofSeconds(1),
                4096, flv, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoadConfig("h", 1, "live", "s-%d", 1, Duration.ZERO, Duration.ofSeconds(1),
                4096, flv, Duration.ofMillis(1001))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new LoadConfig("h", 1, "live", "s-%d", 1, Duration.ZERO, Duration.ofSeconds(1), 4096, flv,
                Duration.ofMillis(LoadConfig.DEFAULT_PACE_TICK_MILLIS)).paceTick()).isEqualTo(Duration.ofMillis(5));
    }
}
