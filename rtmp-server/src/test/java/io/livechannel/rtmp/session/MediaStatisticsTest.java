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
        for (int second = 0; second < 6; second++) {
            for (int i = 0; i < 25; i++) {
                stats.onVideo(1000, true);
                if (i < 16) {
                    stats.onAudio(500);
                }
                clock.advance(Duration.ofMillis(40));
            }
        }
        stats.onVideo(1000, true); // the frame that closes the sixth bucket
        PublishStats s = stats.snapshot();
        assertThat(s.video().frameRate()).isEqualTo(25.0);
        assertThat(s.video().bandwidthBitsPerSecond()).isEqualTo(200_000);
        assertThat(s.video().codec()).isEqualTo("H264");
        assertThat(s.audio().bandwidthBitsPerSecond()).isEqualTo(64_000);
        assertThat(s.audio().codec()).isEqualTo("AAC");
    }
}
