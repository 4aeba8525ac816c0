package io.livechannel.rtmp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.rtmp.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MediaStatisticsTest {
    @Test
    void reportsNoMediaUntilSeenThenAveragesTheLastFiveSeconds() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T18:00:00Z"));
        Instant start = clock.instant();
        MediaStatistics stats = new MediaStatistics(start, "198.51.100.7:50000", clock);
        assertThat(stats.snapshot()).isEqualTo(new PublishStats(start, "198.51.100.7:50000", null, null));

        // 6 s of 25 fps video of 1000 bytes per frame and 16 audio frames of 500 bytes per second
        long dts = 0;
        for (int second = 0; second < 6; second++) {
            for (int i = 0; i < 25; i++) {
                stats.onVideo(1000, true, dts);
                dts += 40;
                if (i < 16) {
                    stats.onAudio(500);
                }
                clock.advance(Duration.ofMillis(40));
            }
        }
        stats.onVideo(1000, true, dts); // the frame that closes the sixth bucket
        PublishStats s = stats.snapshot();
        assertThat(s.video().frameRate()).isEqualTo(25.0);
        assertThat(s.video().bandwidthBitsPerSecond()).isEqualTo(200_000);
        assertThat(s.video().codec()).isEqualTo("H264");
        assertThat(s.audio().bandwidthBitsPerSecond()).isEqualTo(64_000);
        assertThat(s.audio().codec()).isEqualTo("AAC");
    }

    @Test
    void frameRateFollowsTimestampsNotArrivalJitter() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T18:00:00Z"));
        MediaStatistics stats = new MediaStatistics(clock.instant(), "198.51.100.7:50000", clock);

        // 25 fps by timestamp, arriving in bursts: 13 frames at once, then 12 frames 1 s later, and so on
        long dts = 0;
        for (int burst = 0; burst < 12; burst++) {
            int frames = burst % 2 == 0 ? 13 : 12;
            for (int i = 0; i < frames; i++) {
                stats.onVideo(1000, true, dts);
                dts += 40;
            }
            clock.advance(Duration.ofMillis(burst % 2 == 0 ? 1000 : 10));
        }
        stats.onVideo(1000, true, dts);

        assertThat(stats.snapshot().video().frameRate()).isEqualTo(25.0);
    }

    @Test
    void frameRateIsZeroUntilTwoPicturesWereSeen() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T18:00:00Z"));
        MediaStatistics stats = new MediaStatistics(clock.instant(), "198.51.100.7:50000", clock);

        stats.onVideo(1000, true, 0);
        clock.advance(Duration.ofMillis(1500));
        stats.onVideo(1000, false, 0); // a sequence header closes the bucket holding one picture

        assertThat(stats.snapshot().video().frameRate()).isZero();
    }
}
