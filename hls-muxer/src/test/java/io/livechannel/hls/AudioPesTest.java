package io.livechannel.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.livechannel.codec.aac.AdtsHeader;
import io.livechannel.ts.TsWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AAC frames sharing PES packets: how many, with which timestamps, and that no frame is lost, reordered or moved
 * to another segment. Captured ffmpeg AAC frames (44.1 kHz, 1024 samples: 23.2 ms, 2089.8 ticks each).
 */
class AudioPesTest {
    static final long T0 = 1_763_748_000_000L;
    /** 1024 samples at 44.1 kHz in 90 kHz ticks. */
    static final double FRAME_TICKS = 1024 * 90_000.0 / 44_100;
    static CapturedTags tags;

    final RecordingOutput output = new RecordingOutput();
    final AtomicLong now = new AtomicLong(T0);
    final TrackingAllocator allocator = new TrackingAllocator();

    @BeforeAll
    static void captureTags() throws Exception {
        tags = CapturedTags.load();
    }

    @AfterEach
    void everyAllocatedBufferWasReleased() {
        allocator.assertAllReleased();
    }

    HlsPackager packager(int fragDurationSeconds) {
        return new HlsPackager(new HlsSettings("ch", "playlist.m3u8", fragDurationSeconds, 5), output,
                () -> now.getAndAdd(1_000), PlaylistState.INITIAL, allocator);
    }

    /** FLV timestamp (ms, as an encoder rounds it) of AAC frame {@code k}. */
    static long frameMillis(int k) {
        return Math.round(k * 1024_000.0 / 44_100);
    }

    /** The ADTS frame lengths in one PES payload, read frame by frame from the headers. */
    static List<Integer> adtsFrames(byte[] pes) {
        List<Integer> lengths = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(pes);
        while (in.isReadable()) {
            int length = AdtsHeader.read(in.duplicate()).frameLengthBytes();
            lengths.add(length);
            in.skipBytes(length);
        }
        return lengths;
    }

    @Test
    void threeFramesShareEachPesAndEveryFrameIsWrittenOnceInOrder() {
        HlsPackager packager = packager(10);
        FlvFile.feed(packager, tags.audioSequenceHeader);
        for (int k = 0; k < 100; k++) {
            FlvFile.feed(packager, tags.audio(frameMillis(k)));
        }
        packager.finish();

        assertThat(output.segments).hasSize(1);
        TsInspector ts = new TsInspector().inspect(output.segments.get(0).data());
        assertThat(ts.errors).isEmpty();
        List<TsInspector.Pes> pes = ts.pesOf(TsWriter.AUDIO_PID);
        // 3 frames span 69.7 ms, 4 would span 92.9 ms > 90 ms: 33 PES of 3 frames and one of the last frame
        assertThat(pes).hasSize(34);
        int frameBytes = tags.audioFrame.body().length - 2 + AdtsHeader.LENGTH_BYTES;
        for (int i = 0; i < pes.size(); i++) {
            assertThat(adtsFrames(ts.payload(TsWriter.AUDIO_PID, i))).as("PES %d", i)
                    .containsExactlyElementsOf(List.of(frameBytes, frameBytes, frameBytes).subList(0, i < 33 ? 3 : 1));
            // each PES carries its first frame's PTS: frame 3i, counted in samples from frame 0
            assertThat(pes.get(i).pts() - pes.get(0).pts()).as("PTS of PES %d", i)
                    .isEqualTo((long) (3 * i * FRAME_TICKS));
        }
        // audio-only: the PCR rides on the audio PES, at most 70 ms apart, under the 100 ms of §2.7.2
        for (int i = 1; i < ts.pcrs.size(); i++) {
            assertThat(ts.pcrs.get(i)[1] - ts.pcrs.get(i - 1)[1]).isLessThanOrEqualTo(90 * 90);
        }
    }

    @Test
    void aFrameAfterATimestampJumpStartsANewPes() {
        HlsPackager packager = packager(10);
        FlvFile.feed(packager, tags.audioSequenceHeader);
        FlvFile.feed(packager, tags.audio(frameMillis(0)));
        FlvFile.feed(packager, tags.audio(frameMillis(1)));
        // frames 2..4 lost by the encoder: frame 5 does not continue frame 1, so it must not share its PES
        FlvFile.feed(packager, tags.audio(frameMillis(5)));
        FlvFile.feed(packager, tags.audio(frameMillis(6)));
        packager.finish();

        TsInspector ts = new TsInspector().inspect(output.segments.get(0).data());
        List<TsInspector.Pes> pes = ts.pesOf(TsWriter.AUDIO_PID);
        assertThat(pes).hasSize(2);
        assertThat(adtsFrames(ts.payload(TsWriter.AUDIO_PID, 0))).hasSize(2);
        assertThat(adtsFrames(ts.payload(TsWriter.AUDIO_PID, 1))).hasSize(2);
        assertThat(pes.get(1).pts() - pes.get(0).pts()).isEqualTo(frameMillis(5) * 90);
    }

    @Test
    void waitingFramesAreWrittenIntoTheSegmentTheyArrivedInBeforeTheCut() {
        HlsPackager packager = packager(2);
        FlvFile.feed(packager, tags.videoSequenceHeader);
        FlvFile.feed(packager, tags.audioSequenceHeader);
        int fed = 0;
        long nextAudio = 0;
        int k = 0;
        for (long t = 0; t < 7_000; t += 40) {
            FlvFile.feed(packager, tags.video(t, t % 2_000 == 0)); // keyframes at 0, 2, 4, 6 s
            while ((nextAudio = frameMillis(k)) < t + 40) {
                FlvFile.feed(packager, tags.audio(nextAudio));
                k++;
                fed++;
            }
        }
        packager.finish();

        assertThat(output.segments).hasSize(4);
        TsInspector all = new TsInspector();
        int written = 0;
        for (int s = 0; s < output.segments.size(); s++) {
            TsInspector ts = new TsInspector().inspect(output.segments.get(s).data());
            all.inspect(output.segments.get(s).data());
            assertThat(ts.errors).as("segment %d", s).isEmpty();
            int pesCount = ts.pesOf(TsWriter.AUDIO_PID).size();
            for (int i = 0; i < pesCount; i++) {
                written += adtsFrames(ts.payload(TsWriter.AUDIO_PID, i)).size();
            }
            // audio fed before a cutting keyframe (DTS 2 s, 4 s, 6 s) is in the segment that keyframe closes, and
            // audio fed after it in the segment it opens
            long keyframeDts = ts.pesOf(TsWriter.VIDEO_PID).get(0).dts();
            assertThat(ts.pesOf(TsWriter.AUDIO_PID)).as("segment %d's audio", s).allSatisfy(p ->
                    assertThat(p.pts()).isBetween(keyframeDts, keyframeDts + 2_000 * 90 - 1));
        }
        assertThat(written).as("every frame fed, once").isEqualTo(fed);
        assertThat(all.errors).as("continuity counters across the segments").isEmpty();
    }
}
