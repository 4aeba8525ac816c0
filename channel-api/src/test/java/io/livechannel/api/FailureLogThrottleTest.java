package io.livechannel.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailureLogThrottleTest {
    /** A clock the test moves by hand. */
    private static final class SteppingClock extends Clock {
        Instant now = Instant.parse("2026-11-21T18:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void letsOneFailureThroughPerIntervalAndCountsTheRest() {
        SteppingClock clock = new SteppingClock();
        FailureLogThrottle throttle = new FailureLogThrottle(clock);

        assertThat(throttle.admit()).isZero();
        assertThat(throttle.admit()).isEqualTo(-1);
        assertThat(throttle.admit()).isEqualTo(-1);
        clock.now = clock.now.plus(FailureLogThrottle.INTERVAL).minusMillis(1);
        assertThat(throttle.admit()).isEqualTo(-1);
        clock.now = clock.now.plusMillis(1);
        assertThat(throttle.admit()).isEqualTo(3);
        assertThat(throttle.admit()).isEqualTo(-1);
    }
}
