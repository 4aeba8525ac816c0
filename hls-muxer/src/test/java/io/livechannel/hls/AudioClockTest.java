package io.livechannel.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioClockTest {
    @Test
    void millisecondRoundingJitterIsReplacedBySampleCountedTimestamps() {
        AudioClock clock = new AudioClock();
        long[] pts = new long[10];
        for (int i = 0; i < pts.length; i++) {
            long millis = Math.round(i * 1024 * 1000.0 / 44100); // 0, 23, 46, 70, 93, ... as RTMP carries them
            pts[i] = clock.ptsOf(90_000 + millis * 90, 1024, 44100);
        }

        for (int i = 0; i < pts.length; i++) {
            assertThat(pts[i]).isEqualTo(90_000 + i * 1024L * 90_000 / 44100);
        }
    }

    @Test
    void reanchorsOnAGapLargerThanTwoMilliseconds() {
        AudioClock clock = new AudioClock();
        clock.ptsOf(90_000, 1024, 48000);
        clock.ptsOf(90_000 + 1920, 1024, 48000); // 21.33 ms later: on time

        long afterGap = clock.ptsOf(90_000 + 1920 + 9_000, 1024, 48000); // 100 ms late

        assertThat(afterGap).isEqualTo(90_000 + 1920 + 9_000);
    }
}
