package io.livechannel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * What a viewer checks with ffprobe on a finished recording (a VoD playlist or one segment): the pushed codecs
 * and picture, the expected duration, and media without holes: timestamps that only go forward and no gap
 * longer than {@value #MAX_GAP_SECONDS} s, i.e. no lost frames or audio.
 */
public final class Playback {
    /** Larger than one video frame (40 ms) and one AAC frame (23 ms), smaller than any lost GOP. */
    static final double MAX_GAP_SECONDS = 0.1;

    private Playback() {
    }

    /** {@code url} plays the pushed stream for {@code expected} (± 1 s) with no holes in video or audio. */
    public static void assertContinuous(String url, Duration expected) throws IOException, InterruptedException {
        Ffprobe.Probe probe = Ffprobe.probe(url);
        Ffprobe.StreamInfo video = probe.stream("video");
        assertThat(video.codecName()).isEqualTo("h264");
        assertThat(video.width()).isEqualTo(Ffmpeg.WIDTH);
        assertThat(video.height()).isEqualTo(Ffmpeg.HEIGHT);
        Ffprobe.StreamInfo audio = probe.stream("audio");
        assertThat(audio.codecName()).isEqualTo("aac");
        assertThat(audio.sampleRate()).isEqualTo(Ffmpeg.SAMPLE_RATE);
        double seconds = expected.toMillis() / 1000.0;
        assertThat(probe.durationSeconds()).as("duration of %s", url).isCloseTo(seconds, within(1.0));

        List<Ffprobe.PacketInfo> videoPackets = Ffprobe.packets(url, "v");
        assertThat(videoPackets.size()).as("video frames in %s", url)
                .isGreaterThanOrEqualTo((int) Math.floor((seconds - 1.0) * Ffmpeg.FRAME_RATE));
        assertNoHoles(url, "video", videoPackets, true);
        assertNoHoles(url, "audio", Ffprobe.packets(url, "a"), false);
    }

    /** DTS strictly increasing (video) or never decreasing (audio), and no gap above the limit. */
    public static void assertNoHoles(String url, String what, List<Ffprobe.PacketInfo> packets, boolean strictly) {
        assertThat(packets).as("%s packets in %s", what, url).isNotEmpty();
        double previous = Double.NaN;
        for (int i = 0; i < packets.size(); i++) {
            double dts = packets.get(i).dtsSeconds();
            assertThat(dts).as("%s packet %d of %s has a DTS", what, i, url).isNotNaN();
            if (!Double.isNaN(previous)) {
                double step = dts - previous;
                if (strictly) {
                    assertThat(step).as("%s DTS goes forward at packet %d (%.3f → %.3f) in %s", what, i, previous,
                            dts, url).isPositive();
                } else {
                    assertThat(step).as("%s DTS never goes back at packet %d (%.3f → %.3f) in %s", what, i,
                            previous, dts, url).isGreaterThanOrEqualTo(0);
                }
                assertThat(step).as("%s gap at packet %d (%.3f → %.3f) in %s: media lost", what, i, previous, dts,
                        url).isLessThanOrEqualTo(MAX_GAP_SECONDS);
            }
            previous = dts;
        }
    }
}
