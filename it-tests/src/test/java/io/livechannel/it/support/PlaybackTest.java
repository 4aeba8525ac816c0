package io.livechannel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks the journeys rely on, run on HLS that ffmpeg itself wrote (the same stream the tests push): they
 * pass on good media and fail on a playlist with a segment cut out, so a passing journey means something.
 */
class PlaybackTest {
    @RegisterExtension
    static final RunDirectory run = new RunDirectory();

    /** Under the run directory, so that ffmpeg writes it on either path (the container mounts only that). */
    static Path hls;

    @BeforeAll
    static void writeHlsWithFfmpeg() throws Exception {
        hls = Files.createDirectories(run.classDir().resolve("hls"));
        Ffmpeg.run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
                "-f", "lavfi", "-i", "testsrc2=size=" + Ffmpeg.WIDTH + "x" + Ffmpeg.HEIGHT + ":rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "8", "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "50", "-keyint_min", "50",
                "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "44100",
                "-f", "hls", "-hls_time", "2", "-hls_list_size", "0", "-hls_playlist_type", "vod",
                hls.resolve("full.m3u8").toString()), run.classDir().resolve("ffmpeg-hls.log"), Duration.ofSeconds(60));
    }

    @Test
    void ffmpegsOwnHlsPassesEveryCheck() throws Exception {
        MediaPlaylist playlist = MediaPlaylist.parse(Files.readString(hls.resolve("full.m3u8")));
        assertThat(playlist.hasEndList()).isTrue();
        assertThat(playlist.segments()).hasSize(4);
        assertThat(playlist.totalDurationSeconds()).isCloseTo(8.0, org.assertj.core.api.Assertions.within(0.1));
        Playback.assertContinuous(hls.resolve("full.m3u8").toString(), Duration.ofSeconds(8));
        assertThat(Ffmpeg.decode(hls.resolve("full.m3u8").toString(), Optional.empty(), Duration.ofSeconds(30), hls)
                .isClean()).isTrue();
        assertThat(Ffprobe.packets(hls.resolve(playlist.segments().get(1).uri()).toString(), "v").get(0)
                .isKeyframe()).isTrue();
    }

    @Test
    void aPlaylistWithASegmentCutOutFailsTheContinuityCheck() throws Exception {
        List<String> lines = Files.readAllLines(hls.resolve("full.m3u8"));
        int second = lines.indexOf(lines.stream().filter(l -> l.endsWith("1.ts")).findFirst().orElseThrow());
        lines.remove(second);
        lines.remove(second - 1);
        Files.write(hls.resolve("holed.m3u8"), lines);
        assertThatThrownBy(() -> Playback.assertContinuous(hls.resolve("holed.m3u8").toString(),
                Duration.ofSeconds(6))).isInstanceOf(AssertionError.class).hasMessageContaining("media lost");
    }

    @Test
    void aDamagedSegmentFailsTheDecodeCheck() throws Exception {
        byte[] ts = Files.readAllBytes(hls.resolve("full0.ts"));
        for (int i = 188 * 8; i < ts.length; i += 97) {
            ts[i] = (byte) (ts[i] ^ 0x5a);
        }
        Files.write(hls.resolve("damaged.ts"), ts);
        Ffmpeg.DecodeResult result = Ffmpeg.decode(hls.resolve("damaged.ts").toString(), Optional.empty(),
                Duration.ofSeconds(30), hls);
        assertThat(result.isClean()).as("decode of a damaged segment: %s", result).isFalse();
    }

    @Test
    void s3ProxyComesBackOnTheSamePortWithTheSameObjects(@TempDir Path dir) throws Exception {
        S3ProxyServer first = S3ProxyServer.start(dir);
        int port = first.port();
        assertThat(port).isPositive();
        Files.createDirectories(dir.resolve("live/cam"));
        Files.writeString(dir.resolve("live/cam/1.ts"), "x");
        first.close();
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close())
                .as("nothing listens while S3 is down").isInstanceOf(java.io.IOException.class);
        try (S3ProxyServer second = first.restart()) {
            assertThat(second.port()).isEqualTo(port);
            assertThat(second.objectKeys("live", "cam/")).containsExactly("cam/1.ts");
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(second.endpoint() + "/live/cam/1.ts")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            // S3Proxy's filesystem store treats world-readable files as public-read, so no signature is needed.
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).as("the object, served by the new S3Proxy").isEqualTo("x");
        }
    }
}
