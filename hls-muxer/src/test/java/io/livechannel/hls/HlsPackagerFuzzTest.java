package io.livechannel.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes {@link HlsPackager} with arbitrary tag sequences (random types, timestamps and bodies, seeded with real
 * sequence headers). Properties: no exception escapes {@code onVideoTag}/{@code onAudioTag}/{@code finish}; every
 * buffer the packager allocated is released; every emitted segment is whole TS packets starting with a sync byte;
 * media sequence numbers are consecutive. Fuzz with {@code JAZZER_FUZZ=1 ./mvnw -pl hls-muxer test
 * -Dtest=HlsPackagerFuzzTest}.
 */
class HlsPackagerFuzzTest {
    private static final byte[] AVC_SEQUENCE_HEADER = java.util.HexFormat.of().parseHex("1700000000"
            + "0164000cffe1001a6764000cacd941419f9f011000000300100000030320f142996001000668ebe3cb22c0");
    private static final byte[] AAC_SEQUENCE_HEADER = java.util.HexFormat.of().parseHex("af001208");

    @FuzzTest(maxDuration = "60s")
    void anyTagSequenceIsPackagedOrDroppedWithoutThrowingOrLeaking(FuzzedDataProvider data) {
        RecordingOutput output = new RecordingOutput();
        TrackingAllocator allocator = new TrackingAllocator();
        HlsPackager packager = new HlsPackager(new HlsSettings("f", "p.m3u8", 1, 3), output, () -> 1_000L,
                PlaylistState.INITIAL, allocator);
        feed(packager, true, 0, AVC_SEQUENCE_HEADER);
        feed(packager, false, 0, AAC_SEQUENCE_HEADER);
        int tags = data.consumeInt(0, 200);
        for (int i = 0; i < tags && data.remainingBytes() > 0; i++) {
            boolean video = data.consumeBoolean();
            long timestamp = data.consumeLong(0, 0xFFFFFFFFL);
            byte[] body = data.consumeBytes(data.consumeInt(0, 2_000));
            feed(packager, video, timestamp, body);
        }
        packager.finish();

        allocator.assertAllReleased();
        long expectedSequence = 0;
        for (RecordingOutput.Segment segment : output.segments) {
            assertThat(segment.data().length % 188).isZero();
            assertThat(segment.data()[0]).isEqualTo((byte) 0x47);
            assertThat(segment.info().mediaSequence()).isEqualTo(expectedSequence++);
        }
    }

    private static void feed(HlsPackager packager, boolean video, long timestamp, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        if (video) {
            packager.onVideoTag(timestamp, buf);
        } else {
            packager.onAudioTag(timestamp, buf);
        }
    }
}
