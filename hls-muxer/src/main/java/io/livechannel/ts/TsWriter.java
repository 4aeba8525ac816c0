package io.livechannel.ts;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.util.Arrays;

/**
 * Writes one program's MPEG-2 transport stream (ISO/IEC 13818-1) into caller-provided buffers: PAT and PMT, then
 * H.264 access units and AAC frames as PES packets cut into 188-byte TS packets.
 *
 * <p>PIDs: PMT {@value #PMT_PID}, video {@value #VIDEO_PID} (0x100), audio {@value #AUDIO_PID} (0x101), as
 * nginx-rtmp and SRS use. Continuity counters live in this object, so they continue from one segment buffer to the
 * next (RFC 8216 §3: segments continue the counters unless a discontinuity is signalled).
 *
 * <p>PCR: on the video PID when the program has video, else on the audio PID (nginx-rtmp always uses the video
 * PID, which breaks audio-only streams). Every PES on the PCR PID carries one, and before a PES on the other PID a
 * PCR-only packet is inserted once the last PCR is {@value #PCR_REFRESH_TICKS} ticks (70 ms) old, so the PCR
 * interval stays under the 100 ms of §2.7.2 even if video stalls while audio flows. PCR =
 * DTS − {@value #PCR_LEAD_TICKS} ticks (100 ms, as mediacommon), never decreasing.
 *
 * <pre>
 * TS header: 8 sync 0x47 | 1 TEI, 1 payload_unit_start, 1 priority, 13 PID | 2 scrambling, 2 adaptation_field_control, 4 CC
 * adaptation field: 8 length | 1 discontinuity, 1 random_access, 1 priority, 1 PCR_flag, 4 other flags
 *                   | PCR: 33 base, 6 reserved, 9 extension | stuffing 0xFF
 * PES header: 24 start code 000001 | 8 stream_id | 16 PES_packet_length | 8 '10' 00 0 1(data_alignment) 0 0
 *             | 8 PTS_DTS_flags '11'/'10' + 0 | 8 PES_header_data_length | 40 PTS | 40 DTS
 * </pre>
 *
 * <p>Allocation: none per packet. Each write pre-sizes the output once ({@code ensureWritable}) and copies the
 * payload with one copy per packet: by memory address for the full packets when the output and every payload range
 * have one ({@link PesPayload#addressable}, the server's case: pooled direct buffers), else with {@code writeBytes}. Not thread-safe: one instance per stream, on one thread.
 */
public final class TsWriter {
    public static final int PACKET_SIZE = 188;
    public static final int PAT_PID = 0;
    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x100;
    public static final int AUDIO_PID = 0x101;
    /** A PCR-only packet is inserted when the last PCR is this old (70 ms; frames are at most ~30 ms apart). */
    public static final long PCR_REFRESH_TICKS = 70L * TsClock.TICKS_PER_MILLI;
    /** PCR runs this far behind the DTS that carries it, leaving the decoder buffer time (100 ms). */
    public static final long PCR_LEAD_TICKS = 100L * TsClock.TICKS_PER_MILLI;

    static final byte[] STUFFING = new byte[PACKET_SIZE];

    static {
        Arrays.fill(STUFFING, (byte) 0xFF);
    }

    private static final int PAYLOAD_SIZE = PACKET_SIZE - 4;
    private static final int VIDEO_STREAM_ID = 0xE0;
    private static final int AUDIO_STREAM_ID = 0xC0;
    private static final int MAX_PES_PACKET_LENGTH = 0xFFFF;

    private int patCc;
    private int pmtCc;
    private final ElementaryStream video = new ElementaryStream(VIDEO_PID, VIDEO_STREAM_ID);
    private final ElementaryStream audio = new ElementaryStream(AUDIO_PID, AUDIO_STREAM_ID);
    private int pmtVersion = -1;
    private int trackMask;
    private long lastPcrTicks = Long.MIN_VALUE;
    private final PesPayload single = new PesPayload();

    /**
     * Writes a PAT and a PMT declaring only the given tracks. The PMT version changes when the track set does.
     * Does not retain {@code out}.
     */
    public void writeTables(ByteBuf out, boolean hasVideo, boolean hasAudio) {
        if (!hasVideo && !hasAudio) {
            throw new IllegalArgumentException("a program needs at least one track");
        }
        int mask = (hasVideo ? 1 : 0) | (hasAudio ? 2 : 0);
        if (mask != trackMask) {
            pmtVersion = (pmtVersion + 1) & 0x1F;
            trackMask = mask;
        }
        out.ensureWritable(2 * PACKET_SIZE);
        ProgramTables.writePat(out, patCc);
        patCc = (patCc + 1) & 0x0F;
        ProgramTables.writePmt(out, pmtCc, pmtVersion, hasVideo, hasAudio);
        pmtCc = (pmtCc + 1) & 0x0F;
    }

    /**
     * Writes one video access unit (Annex B bytes, the readable bytes of {@code accessUnit}) as a PES on the video
     * PID. Does not retain or move the indexes of {@code accessUnit}; does not retain {@code out}.
     *
     * @param ptsTicks     unwrapped 90 kHz presentation time
     * @param dtsTicks     unwrapped 90 kHz decoding time, at most {@code ptsTicks}
     * @param randomAccess whether the unit is an IDR picture (sets random_access_indicator)
     */
    public void writeVideo(ByteBuf out, ByteBuf accessUnit, long ptsTicks, long dtsTicks, boolean randomAccess) {
        writeVideo(out, single.clear().add(accessUnit), ptsTicks, dtsTicks, randomAccess);
        single.clear();
    }

    /**
     * Writes one video access unit given as a gather list of Annex B bytes. Does not retain the ranges or
     * {@code out}; {@code accessUnit} may be cleared and reused afterwards.
     */
    public void writeVideo(ByteBuf out, PesPayload accessUnit, long ptsTicks, long dtsTicks, boolean randomAccess) {
        if ((trackMask & 1) == 0) {
            throw new IllegalStateException("the PMT declares no video");
        }
        long pcr = nextPcr(dtsTicks);
        writePes(out, video, accessUnit, new PesTiming(ptsTicks, dtsTicks, randomAccess, pcr));
    }

    /**
     * Writes ADTS-framed AAC (the readable bytes of {@code adtsFrames}) as a PES on the audio PID. Does not retain
     * or move the indexes of {@code adtsFrames}; does not retain {@code out}.
     */
    public void writeAudio(ByteBuf out, ByteBuf adtsFrames, long ptsTicks) {
        writeAudio(out, single.clear().add(adtsFrames), ptsTicks);
        single.clear();
    }

    /** Writes ADTS-framed AAC given as a gather list. Does not retain the ranges or {@code out}. */
    public void writeAudio(ByteBuf out, PesPayload adtsFrames, long ptsTicks) {
        if ((trackMask & 2) == 0) {
            throw new IllegalStateException("the PMT declares no audio");
        }
        long pcr = -1;
        if ((trackMask & 1) == 0) {
            pcr = nextPcr(ptsTicks);
        } else if (lastPcrTicks == Long.MIN_VALUE || ptsTicks - PCR_LEAD_TICKS - lastPcrTicks >= PCR_REFRESH_TICKS) {
            writePcrOnly(out, VIDEO_PID, (video.cc - 1) & 0x0F, nextPcr(ptsTicks));
        }
        writePes(out, audio, adtsFrames, new PesTiming(ptsTicks, ptsTicks, false, pcr));
    }

    /**
     * The most bytes one {@link #writeVideo} or {@link #writeAudio} call writes for {@code payloadBytes} of payload:
     * the first packet (adaptation field and PES header leave it at least 157 payload bytes), the full packets, the
     * padded last one, and the PCR-only packet an audio PES may be preceded by.
     */
    public static long maxBytesOfPes(int payloadBytes) {
        return PACKET_SIZE * (3L + payloadBytes / PAYLOAD_SIZE);
    }

    private long nextPcr(long dtsTicks) {
        long pcr = Math.max(dtsTicks - PCR_LEAD_TICKS, lastPcrTicks);
        lastPcrTicks = pcr;
        return pcr;
    }

    /** Adaptation-field-only packet carrying a PCR; the continuity counter does not advance (§2.4.3.3). */
    private static void writePcrOnly(ByteBuf out, int pid, int lastCc, long pcrTicks) {
        out.ensureWritable(PACKET_SIZE);
        out.writeInt(0x47000000 | pid << 8 | 0x20 | lastCc);
        out.writeByte(PAYLOAD_SIZE - 1); // adaptation_field_length 183
        out.writeByte(0x10); // PCR_flag
        writePcr(out, pcrTicks);
        out.writeBytes(STUFFING, 0, PAYLOAD_SIZE - 8);
    }

    /** One PID's elementary stream and its continuity counter, which continues across segments. */
    private static final class ElementaryStream {
        final int pid;
        final int streamId;
        int cc;

        ElementaryStream(int pid, int streamId) {
            this.pid = pid;
            this.streamId = streamId;
        }

        /** The counter for the next packet with payload; advances it. */
        int takeCc() {
            int current = cc;
            cc = (cc + 1) & 0x0F;
            return current;
        }
    }

    /** Timing of one PES: 90 kHz PTS/DTS, random access flag, PCR to carry ({@code pcrTicks < 0}: none). */
    private record PesTiming(long ptsTicks, long dtsTicks, boolean randomAccess, long pcrTicks) {
        boolean withDts() {
            return dtsTicks != ptsTicks;
        }

        int pesHeaderLength() {
            return withDts() ? 19 : 14;
        }

        /** Adaptation field bytes the first packet needs before stuffing. */
        int firstAdaptationLength() {
            return pcrTicks >= 0 ? 8 : randomAccess ? 2 : 0;
        }
    }

    private static void writePes(ByteBuf out, ElementaryStream stream, PesPayload payload, PesTiming timing) {
        int remaining = payload.length();
        payload.rewind();
        int firstRoom = PAYLOAD_SIZE - timing.firstAdaptationLength() - timing.pesHeaderLength();
        out.ensureWritable((remaining - Math.min(remaining, firstRoom)) / PAYLOAD_SIZE * PACKET_SIZE
                + 2 * PACKET_SIZE);
        writeFirstPacket(out, stream, payload, timing);
        remaining -= Math.min(remaining, firstRoom);

        // Full middle packets: the hot path, 4 header bytes and one copy.
        int header = 0x47000010 | stream.pid << 8;
        if (remaining >= PAYLOAD_SIZE && out.hasMemoryAddress() && payload.addressable()) {
            remaining = writeFullPacketsByAddress(out, stream, payload, remaining);
        }
        while (remaining >= PAYLOAD_SIZE) {
            out.writeInt(header | stream.takeCc());
            payload.copyNext(out, PAYLOAD_SIZE);
            remaining -= PAYLOAD_SIZE;
        }
        // Last packet, padded with adaptation-field stuffing.
        if (remaining > 0) {
            out.writeInt(header | 0x20 | stream.takeCc());
            writeAdaptationField(out, PAYLOAD_SIZE - remaining, 0, -1);
            payload.copyNext(out, remaining);
        }
    }

    /**
     * The full packets of a PES written by memory address ({@link PesPayload#copyNextTo}): room for them was made by
     * {@link #writePes}'s {@code ensureWritable}, checked again here since a wrong sum would write past the buffer.
     * Returns the payload bytes left for the last packet.
     */
    private static int writeFullPacketsByAddress(ByteBuf out, ElementaryStream stream, PesPayload payload,
                                                 int remaining) {
        int packets = remaining / PAYLOAD_SIZE;
        int writerIndex = out.writerIndex();
        if (out.capacity() - writerIndex < packets * PACKET_SIZE) {
            throw new IllegalStateException("no room for " + packets + " packets at " + writerIndex + " of "
                    + out.capacity());
        }
        long address = out.memoryAddress() + writerIndex;
        int header = 0x47000010 | stream.pid << 8;
        for (int i = 0; i < packets; i++) {
            int bigEndian = header | stream.takeCc();
            PlatformDependent.putInt(address, PlatformDependent.BIG_ENDIAN_NATIVE_ORDER
                    ? bigEndian : Integer.reverseBytes(bigEndian));
            payload.copyNextTo(address + 4, PAYLOAD_SIZE);
            address += PACKET_SIZE;
        }
        out.writerIndex(writerIndex + packets * PACKET_SIZE);
        return remaining - packets * PAYLOAD_SIZE;
    }

    /** Adaptation field (PCR / random access / stuffing), PES header and the start of the payload. */
    private static void writeFirstPacket(ByteBuf out, ElementaryStream stream, PesPayload payload, PesTiming timing) {
        int pesHeaderLength = timing.pesHeaderLength();
        int chunk = Math.min(payload.length(), PAYLOAD_SIZE - timing.firstAdaptationLength() - pesHeaderLength);
        int adaptation = PAYLOAD_SIZE - pesHeaderLength - chunk;
        out.writeInt(0x47400000 | stream.pid << 8 | (adaptation > 0 ? 0x30 : 0x10) | stream.takeCc());
        if (adaptation > 0) {
            int flags = (timing.randomAccess() ? 0x40 : 0) | (timing.pcrTicks() >= 0 ? 0x10 : 0);
            writeAdaptationField(out, adaptation, flags, timing.pcrTicks());
        }
        writePesHeader(out, stream.streamId, pesHeaderLength + payload.length(), timing);
        payload.copyNext(out, chunk);
    }

    /** Writes an adaptation field of {@code totalBytes} bytes, its length byte included. */
    private static void writeAdaptationField(ByteBuf out, int totalBytes, int flags, long pcrTicks) {
        out.writeByte(totalBytes - 1);
        if (totalBytes == 1) {
            return;
        }
        out.writeByte(flags);
        int written = 2;
        if (pcrTicks >= 0) {
            writePcr(out, pcrTicks);
            written += 6;
        }
        out.writeBytes(STUFFING, 0, totalBytes - written);
    }

    /** program_clock_reference: 33-bit base, 6 reserved bits, 9-bit extension 0. */
    private static void writePcr(ByteBuf out, long pcrTicks) {
        long base = TsClock.wrap33(pcrTicks);
        out.writeInt((int) (base >>> 1));
        out.writeShort((int) ((base & 1) << 15) | 0x7E00);
    }

    private static void writePesHeader(ByteBuf out, int streamId, int pesBytes, PesTiming timing) {
        boolean withDts = timing.withDts();
        out.writeInt(0x00000100 | streamId);
        // PES_packet_length counts bytes after the field; 0 (unbounded) is allowed for video only.
        int length = pesBytes - 6;
        out.writeShort(streamId == VIDEO_STREAM_ID || length > MAX_PES_PACKET_LENGTH ? 0 : length);
        out.writeByte(0x84); // '10', not scrambled, data_alignment_indicator
        out.writeByte(withDts ? 0xC0 : 0x80);
        out.writeByte(withDts ? 10 : 5);
        writeTimestamp(out, withDts ? 0x3 : 0x2, timing.ptsTicks());
        if (withDts) {
            writeTimestamp(out, 0x1, timing.dtsTicks());
        }
    }

    /** 4-bit prefix, then the 33-bit value in 3/15/15-bit pieces, each followed by a marker bit. */
    private static void writeTimestamp(ByteBuf out, int prefix, long ticks) {
        long ts = TsClock.wrap33(ticks);
        out.writeByte((int) (prefix << 4 | (ts >>> 29) & 0x0E | 1));
        out.writeShort((int) ((ts >>> 14) & 0xFFFE | 1));
        out.writeShort((int) ((ts << 1) & 0xFFFE | 1));
    }
}
