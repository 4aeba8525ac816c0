package io.livechannel.bench.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads FLV files written by the real ffmpeg, as make-flv.sh writes the load file. */
class FlvFileTest {
    @TempDir
    Path dir;

    @Test
    void findsMetadataAudioVideoAndAKeyframeEveryTwoSecondsInAnFfmpegFile() throws Exception {
        Path flv = dir.resolve("t.flv");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=44100",
                "-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60",
                "-sc_threshold", "0", "-c:a", "aac", "-f", "flv", flv.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

        FlvFile file = FlvFile.read(flv);

        assertThat(file.tags().get(0).type()).isEqualTo(FlvTagType.SCRIPT_DATA);
        assertThat(file.tags()).filteredOn(t -> t.type() == FlvTagType.VIDEO).hasSizeGreaterThanOrEqualTo(150);
        assertThat(file.tags()).filteredOn(t -> t.type() == FlvTagType.AUDIO).hasSizeGreaterThan(200);
        assertThat(file.tags()).filteredOn(FlvTag::isKeyframe).extracting(FlvTag::timestampMillis)
                .hasSize(3).allSatisfy(ts -> assertThat(ts % 2000).isLessThan(100));
        assertThat(file.durationMillis()).isBetween(4_900L, 5_100L);
        FlvTag last = file.tags().get(file.tags().size() - 1);
        assertThat(last.bodyOffset() + last.bodyLength() + 4).isEqualTo(file.bytes().length);
    }

    @Test
    void rejectsAFileWithoutTheFlvSignature() throws IOException {
        Path ts = Files.write(dir.resolve("x.ts"), new byte[] {0x47, 0x40, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> FlvFile.read(ts)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an FLV file");
    }
}
