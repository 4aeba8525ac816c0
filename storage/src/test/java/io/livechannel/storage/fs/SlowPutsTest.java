package io.livechannel.storage.fs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Which puts are reported, how often, and what a line says. */
class SlowPutsTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong nanos = new AtomicLong(-10_000 * MS);
    private final SlowPuts slowPuts = new SlowPuts(nanos::get);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SlowPuts.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aPutOfTheThresholdOrMoreIsCountedAndOneLinePerIntervalSaysWhereTheTimeWent() {
        long t = nanos.get();
        slowPuts.check("live", "ch/fast.ts", t, t + 90 * MS, t + 95 * MS, t + 99 * MS);
        assertThat(slowPuts.count()).isZero();

        slowPuts.check("live", "ch/1.ts", t, t + 10 * MS, t + 12 * MS, t + 130 * MS);
        slowPuts.check("live", "ch/2.ts", t, t + 100 * MS, t + 100 * MS, t + 200 * MS); // within the second
        slowPuts.check("live", "ch/3.ts", t, t + 1129 * MS, t + 1129 * MS, t + 1130 * MS); // a second after line 1

        assertThat(slowPuts.count()).isEqualTo(3);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "put live/ch/1.ts took 130 ms: content 10 ms, replaced-object check 2 ms, rename 118 ms (0 more slow "
                        + "puts since the last such line)",
                "put live/ch/3.ts took 1130 ms: content 1129 ms, replaced-object check 0 ms, rename 1 ms (1 more "
                        + "slow puts since the last such line)");
    }
}
