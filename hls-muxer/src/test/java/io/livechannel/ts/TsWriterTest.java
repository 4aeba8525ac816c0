package io.livechannel.ts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class TsWriterTest {
    /** PAT as ffmpeg 5.1's mpegts muxer writes it (PMT PID 0x1000, program 1, transport stream id 1). */
    static final String FFMPEG_PAT = "47400010" // sync, PUSI, PID 0, payload only, CC 0
            + "00" // pointer_field
            + "00b00d" // table_id 0, section_length 13
            + "0001c10000" // transport_stream_id 1, version 0, current, section 0/0
            + "0001f000" // program 1 -> PMT PID 0x1000
            + "2ab104b2"; // CRC-32/MPEG-2

    /** PMT of ffmpeg 5.1 for H.264 + AAC: PCR on 0x100, H.264 (0x1B) on 0x100, ADTS AAC (0x0F) on 0x101. */
    static final String FFMPEG_PMT_AV = "47500010" // PID 0x1000, PUSI, CC 0
            + "00" // pointer_field
            + "02b017" // table_id 2, section_length 23
            + "0001c10000" // program 1, version 0, current, section 0/0
            + "e100f000" // PCR_PID 0x100, program_info_length 0
            + "1be100f000" // H.264 on 0x100
            + "0fe101f000" // AAC ADTS on 0x101
            + "2f44b99b"; // CRC

    /** PMT of ffmpeg 5.1 for H.264 only. */
    static final String FFMPEG_PMT_VIDEO = "47500010" + "00" + "02b012" + "0001c10000" + "e100f000"
            + "1be100f000" // H.264 on 0x100
            + "15bd4d56"; // CRC

    static String padded(String hex) {
        return hex + "ff".repeat(188 - hex.length() / 2);
    }

    @Test
    void writesPatAndPmtByteForByteAsFfmpegDoes() {
        ByteBuf out = Unpooled.buffer();

        new TsWriter().writeTables(out, true, true);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(padded(FFMPEG_PAT) + padded(FFMPEG_PMT_AV));
    }

    @Test
    void pmtOfVideoOnlyStreamDeclaresOnlyVideo() {
        ByteBuf out = Unpooled.buffer();

        new TsWriter().writeTables(out, true, false);

        assertThat(ByteBufUtil.hexDump(out, 188, 188)).isEqualTo(padded(FFMPEG_PMT_VIDEO));
    }

    @Test
    void pmtOfAudioOnlyStreamPutsPcrOnAudioPid() {
        ByteBuf out = Unpooled.buffer();

        new TsWriter().writeTables(out, false, true);

        String pmt = ByteBufUtil.hexDump(out, 188, 188);
        assertThat(pmt).startsWith("47500010" + "00" + "02b012" + "0001c10000" + "e101f000" + "0fe101f000");
        assertThat(Crc32Mpeg2.compute(out, 188 + 5, 3 + 0x12)).as("CRC over section incl. CRC").isZero();
    }

    @Test
    void continuityCountersAndPmtVersionAdvanceAcrossTables() {
        TsWriter writer = new TsWriter();
        ByteBuf out = Unpooled.buffer();
        writer.writeTables(out, true, true);
        writer.writeTables(out, true, false);

        assertThat(out.getByte(2 * 188 + 3) & 0x0F).as("PAT CC").isEqualTo(1);
        assertThat(out.getByte(3 * 188 + 3) & 0x0F).as("PMT CC").isEqualTo(1);
        assertThat(out.getByte(3 * 188 + 10) >> 1 & 0x1F).as("PMT version after track change").isEqualTo(1);
    }

    @Test
    void pesOfEverySizeReassemblesExactlyInWholePackets() {
        for (int size = 0; size <= 600; size++) {
            for (boolean video : new boolean[] {true, false}) {
                TsWriter writer = new TsWriter();
                ByteBuf out = Unpooled.buffer();
                writer.writeTables(out, true, true);
                byte[] payload = new byte[size];
                for (int i = 0; i < size; i++) {
                    payload[i] = (byte) (i * 31 + 7);
                }
                ByteBuf in = Unpooled.wrappedBuffer(payload);
                if (video) {
                    writer.writeVideo(out, in, 93_600, 90_000, true);
                } else {
                    writer.writeAudio(out, in, 90_000);
                }
                assertThat(in.readerIndex()).isZero();
                assertThat(out.readableBytes() % 188).isZero();
                byte[] reassembled = reassemble(out, video ? 0x100 : 0x101, video ? 19 : 14);
                assertThat(reassembled).as("%s payload of %d bytes", video ? "video" : "audio", size)
                        .isEqualTo(payload);
            }
        }
    }

    /**
     * The copy by memory address (a direct output, as in the server) writes the same bytes as the {@code ByteBuf}
     * copy (a heap output), for payloads of every size cut into ranges of heap and direct buffers at every offset,
     * and leaves the ranges' indexes alone.
     */
    @Test
    void copyingByAddressWritesTheSameBytesAsCopyingThroughTheBuffer() {
        for (int size = 0; size <= 800; size += 7) {
            for (int cut = 0; cut <= size; cut += Math.max(1, size / 5)) {
                byte[] payload = new byte[size];
                for (int i = 0; i < size; i++) {
                    payload[i] = (byte) (i * 31 + 7);
                }
                ByteBuf heapHead = Unpooled.wrappedBuffer(payload, 0, cut);
                ByteBuf directTail = Unpooled.directBuffer(size - cut + 10).writerIndex(5).readerIndex(5);
                directTail.writeBytes(payload, cut, size - cut);
                PesPayload ranges = new PesPayload().add(heapHead).add(directTail);
                ByteBuf byBuffer = Unpooled.buffer();
                ByteBuf byAddress = Unpooled.directBuffer(1);
                try {
                    assertThat(byAddress.hasMemoryAddress()).isTrue();
                    for (ByteBuf out : new ByteBuf[] {byBuffer, byAddress}) {
                        TsWriter writer = new TsWriter();
                        writer.writeTables(out, true, true);
                        writer.writeVideo(out, ranges, 93_600, 90_000, true);
                        writer.writeAudio(out, ranges, 95_000);
                    }
                    assertThat(ByteBufUtil.hexDump(byAddress)).as("%d bytes cut at %d", size, cut)
                            .isEqualTo(ByteBufUtil.hexDump(byBuffer));
                    assertThat(reassemble(byAddress.duplicate(), 0x100, 19)).isEqualTo(payload);
                    assertThat(directTail.readerIndex()).isEqualTo(5);
                } finally {
                    byAddress.release();
                    directTail.release();
                }
            }
        }
    }

    @Test
    void aRangeOutsideItsBufferIsRefusedWhenAdded() {
        ByteBuf buffer = Unpooled.buffer(16, 16);
        PesPayload payload = new PesPayload();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> payload.add(buffer, 10, 7))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("capacity 16");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> payload.add(buffer, -1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(payload.add(buffer, 10, 6).length()).isEqualTo(6);
    }

    /** The packager's size cut relies on this bound: one PES, with its PCR-only packet, never writes more. */
    @Test
    void maxBytesOfPesBoundsWhatOneVideoOrAudioWriteAppends() {
        for (int size = 0; size <= 2_000; size++) {
            TsWriter writer = new TsWriter();
            ByteBuf out = Unpooled.buffer();
            writer.writeTables(out, true, true);
            int before = out.writerIndex();
            writer.writeVideo(out, Unpooled.wrappedBuffer(new byte[size]), 93_600, 90_000, true);
            assertThat((long) out.writerIndex() - before).as("video PES of %d bytes", size)
                    .isLessThanOrEqualTo(TsWriter.maxBytesOfPes(size));
            before = out.writerIndex();
            writer.writeAudio(out, Unpooled.wrappedBuffer(new byte[size]), 900_000); // PCR 9 s old: PCR-only first
            assertThat((long) out.writerIndex() - before).as("audio PES of %d bytes", size)
                    .isGreaterThan(TsWriter.maxBytesOfPes(size) - 3 * 188)
                    .isLessThanOrEqualTo(TsWriter.maxBytesOfPes(size));
        }
    }

    @Test
    void audioWhileVideoStallsGetsPcrOnlyPacketsOnVideoPid() {
        TsWriter writer = new TsWriter();
        ByteBuf out = Unpooled.buffer();
        writer.writeTables(out, true, true);
        writer.writeVideo(out, Unpooled.wrappedBuffer(new byte[10]), 90_000, 90_000, true);
        int afterVideo = out.writerIndex();
        for (int i = 1; i <= 10; i++) { // 10 AAC frames 23 ms apart, no video
            writer.writeAudio(out, Unpooled.wrappedBuffer(new byte[10]), 90_000 + i * 2_070L);
        }

        int pcrOnly = 0;
        for (int p = afterVideo; p < out.writerIndex(); p += 188) {
            int pid = (out.getByte(p + 1) & 0x1F) << 8 | out.getByte(p + 2) & 0xFF;
            boolean adaptationOnly = (out.getByte(p + 3) & 0x30) == 0x20;
            if (pid == 0x100 && adaptationOnly) {
                pcrOnly++;
                assertThat(out.getByte(p + 3) & 0x0F).as("CC of a packet without payload repeats").isZero();
            }
        }
        // audio runs 230 ms past the video frame's PCR; a PCR-only packet goes out once the last PCR is 70 ms old
        // (audio at 92 ms and 184 ms), so no two PCRs are more than 100 ms apart
        assertThat(pcrOnly).isEqualTo(2);
    }

    /** Concatenates the payload bytes of {@code pid}'s packets and strips the PES header. */
    private static byte[] reassemble(ByteBuf ts, int pid, int pesHeaderLength) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int expectedCc = 0;
        for (int p = 0; p < ts.writerIndex(); p += 188) {
            assertThat(ts.getByte(p)).isEqualTo((byte) 0x47);
            int packetPid = (ts.getByte(p + 1) & 0x1F) << 8 | ts.getByte(p + 2) & 0xFF;
            int control = ts.getByte(p + 3) >> 4 & 3;
            if (packetPid != pid || (control & 1) == 0) {
                continue;
            }
            assertThat(ts.getByte(p + 3) & 0x0F).isEqualTo(expectedCc);
            expectedCc = (expectedCc + 1) & 0x0F;
            int start = p + 4 + ((control & 2) != 0 ? 1 + (ts.getByte(p + 4) & 0xFF) : 0);
            byte[] bytes = new byte[p + 188 - start];
            ts.getBytes(start, bytes);
            payload.writeBytes(bytes);
        }
        byte[] all = payload.toByteArray();
        assertThat(all[0] == 0 && all[1] == 0 && all[2] == 1).as("PES start code").isTrue();
        byte[] result = new byte[all.length - pesHeaderLength];
        System.arraycopy(all, pesHeaderLength, result, 0, result.length);
        return result;
    }
}
