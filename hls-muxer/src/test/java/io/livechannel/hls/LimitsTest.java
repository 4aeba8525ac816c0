package io.livechannel.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every limit of the packager at its value and one past it. */
class LimitsTest {
    final RecordingOutput output = new RecordingOutput();
    final TrackingAllocator allocator = new TrackingAllocator();

    @AfterEach
    void everyAllocatedBufferWasReleased() {
        allocator.assertAllReleased();
    }

    HlsPackager packager(SegmenterLimits limits) {
        HlsPackager packager = new HlsPackager(new HlsSettings("ch", "playlist.m3u8", 100, 3, limits), output,
                () -> 1_000L, PlaylistState.INITIAL, allocator);
        packager.onVideoTag(0, Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex("1700000000"
                + "0164000cffe1001a6764000cacd941419f9f011000000300100000030320f142996001000668ebe3cb22c0")));
        packager.onAudioTag(0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0, 0x12, 0x08}));
        return packager;
    }

    /** An AVC frame body whose access unit (after the 5-byte tag header) is {@code accessUnitBytes} long. */
    static ByteBuf avcFrame(boolean key, int accessUnitBytes) {
        ByteBuf body = Unpooled.buffer(5 + accessUnitBytes);
        body.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(0);
        body.writeInt(accessUnitBytes - 4).writeByte(key ? 0x65 : 0x41);
        body.writeZero(accessUnitBytes - 5);
        return body;
    }

    @Test
    void accessUnitAtLimitIsPackagedAndOneByteMoreIsDroppedAsOversized() {
        SegmenterLimits limits = new SegmenterLimits(1 << 20, 4096, 1_000, 10_000);
        HlsPackager packager = packager(limits);

        packager.onVideoTag(0, avcFrame(true, 4096));
        packager.onVideoTag(40, avcFrame(false, 4097));
        packager.finish();

        assertThat(packager.droppedUnits(DropReason.OVERSIZED)).isEqualTo(1);
        assertThat(new TsInspector().inspect(output.concatenated()).pesOf(0x100)).hasSize(1);
    }

    @Test
    void aFrameThatWouldTakeTheSegmentPastMaxSegmentBytesStartsTheNextSegment() {
        SegmenterLimits limits = new SegmenterLimits(64 * 1024, 1 << 20, 1_000, 10_000);
        HlsPackager packager = packager(limits);

        packager.onVideoTag(0, avcFrame(true, 40_000));
        packager.onVideoTag(40, avcFrame(false, 40_000)); // 80,000 bytes of frames do not fit 64 KiB
        packager.onVideoTag(80, avcFrame(false, 1_000));
        packager.finish();

        assertThat(output.infos()).extracting(SegmentInfo::cutReason)
                .containsExactly(CutReason.SIZE_LIMIT, CutReason.PUBLISH_END);
        assertThat(output.infos()).allSatisfy(s -> assertThat(s.sizeBytes()).isLessThanOrEqualTo(64 * 1024));
        assertThat(output.infos().get(0).durationMicros()).isEqualTo(40_000);
        assertThat(new TsInspector().inspect(output.concatenated()).pesOf(0x100)).hasSize(3);
    }

    /**
     * A publisher that stamps every frame 0 never reaches FragDuration nor the forced cut: only the size cut ends its
     * segments, and each of them holds every frame it was given and stays within maxSegmentBytes, whatever the mix
     * of frame sizes and audio waiting to be written at the cut.
     */
    @Test
    void framesAllAtTimestampZeroAreKeptInSegmentsNoLargerThanMaxSegmentBytes() {
        long maxSegmentBytes = 64 * 1024;
        HlsPackager packager = packager(new SegmenterLimits(maxSegmentBytes, 1 << 20, 1_000, 10_000));
        java.util.Random random = new java.util.Random(29);
        int videoFrames = 0;
        packager.onVideoTag(0, avcFrame(true, 30_000));
        videoFrames++;
        for (int i = 0; i < 300; i++) {
            if (random.nextInt(3) == 0) {
                packager.onAudioTag(0, aacFrame(1 + random.nextInt(8191 - 7)));
            } else {
                packager.onVideoTag(0, avcFrame(false, 100 + random.nextInt(60_000)));
                videoFrames++;
            }
        }
        packager.finish();

        assertThat(output.infos()).hasSizeGreaterThan(20);
        assertThat(output.infos()).allSatisfy(s -> assertThat(s.sizeBytes()).isLessThanOrEqualTo(maxSegmentBytes));
        assertThat(output.infos().subList(0, output.infos().size() - 1)).extracting(SegmentInfo::cutReason)
                .containsOnly(CutReason.SIZE_LIMIT);
        assertThat(output.refused).isEmpty();
        for (DropReason reason : DropReason.values()) {
            assertThat(packager.droppedUnits(reason)).as("dropped %s", reason).isZero();
        }
        assertThat(new TsInspector().inspect(output.concatenated()).pesOf(0x100)).hasSize(videoFrames);
    }

    @Test
    void anAccessUnitThatCannotFitAnEmptySegmentIsDroppedAsOversized() {
        SegmenterLimits limits = new SegmenterLimits(64 * 1024, 1 << 20, 1_000, 10_000);
        HlsPackager packager = packager(limits);

        packager.onVideoTag(0, avcFrame(true, 1_000));
        packager.onVideoTag(40, avcFrame(false, 70_000)); // within maxAccessUnitBytes, larger than any segment
        packager.onVideoTag(80, avcFrame(false, 60_000));
        packager.finish();

        assertThat(packager.droppedUnits(DropReason.OVERSIZED)).isEqualTo(1);
        assertThat(output.infos()).allSatisfy(s -> assertThat(s.sizeBytes()).isLessThanOrEqualTo(64 * 1024));
        assertThat(new TsInspector().inspect(output.concatenated()).pesOf(0x100)).hasSize(2);
    }

    @Test
    void aacFrameFillingAdtsFrameLengthIsKeptAndOneByteMoreIsDropped() {
        HlsPackager packager = packager(SegmenterLimits.DEFAULTS);
        packager.onVideoTag(0, avcFrame(true, 100));

        packager.onAudioTag(10, aacFrame(8191 - 7));
        packager.onAudioTag(33, aacFrame(8191 - 7 + 1));
        packager.finish();

        assertThat(packager.droppedUnits(DropReason.OVERSIZED)).isEqualTo(1);
        assertThat(new TsInspector().inspect(output.concatenated()).pesOf(0x101)).hasSize(1);
    }

    @Test
    void maxSegmentBytesIsRefusedOutside64KiBTo1GiB() {
        assertThat(SegmenterLimits.DEFAULTS.withMaxSegmentBytes(64 * 1024).maxSegmentBytes()).isEqualTo(64 * 1024);
        assertThat(SegmenterLimits.DEFAULTS.withMaxSegmentBytes(1L << 30).maxSegmentBytes()).isEqualTo(1L << 30);
        assertThatThrownBy(() -> SegmenterLimits.DEFAULTS.withMaxSegmentBytes(64 * 1024 - 1))
                .hasMessage("maxSegmentBytes 65535 outside 65536..1073741824");
        assertThatThrownBy(() -> SegmenterLimits.DEFAULTS.withMaxSegmentBytes((1L << 30) + 1))
                .hasMessage("maxSegmentBytes 1073741825 outside 65536..1073741824");
    }

    @Test
    void settingsRejectFragDurationAndCountOutsideTheOssRanges() {
        assertThat(new HlsSettings("ch", "playlist.m3u8", 1, 1).fragDurationSeconds()).isEqualTo(1);
        assertThat(new HlsSettings("ch", "playlist.m3u8", 100, 100).fragCount()).isEqualTo(100);
        assertThatThrownBy(() -> new HlsSettings("ch", "playlist.m3u8", 0, 3))
                .hasMessage("fragDurationSeconds 0 outside 1..100");
        assertThatThrownBy(() -> new HlsSettings("ch", "playlist.m3u8", 101, 3))
                .hasMessage("fragDurationSeconds 101 outside 1..100");
        assertThatThrownBy(() -> new HlsSettings("ch", "playlist.m3u8", 5, 101))
                .hasMessage("fragCount 101 outside 1..100");
        assertThatThrownBy(() -> new HlsSettings("a/b", "playlist.m3u8", 5, 3))
                .hasMessage("channel name empty or holding '/': a/b");
        assertThatThrownBy(() -> new HlsSettings("ch", "playlist.txt", 5, 3))
                .hasMessage("playlistName must end in .m3u8 and be relative: playlist.txt");
    }

    private static ByteBuf aacFrame(int rawBytes) {
        ByteBuf body = Unpooled.buffer(2 + rawBytes);
        body.writeByte(0xAF).writeByte(1).writeZero(rawBytes);
        return body;
    }
}
