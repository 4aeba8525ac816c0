package io.livechannel.ts;

import io.netty.buffer.ByteBuf;

/**
 * Writes the program association table (ISO/IEC 13818-1 §2.4.4.3) and program map table (§2.4.4.8) of our single
 * program, each in one 188-byte packet, section padded with 0xFF.
 *
 * <pre>
 * PAT section: 8 table_id 0x00 | 1 syntax 1, 1 '0', 2 reserved, 12 section_length | 16 transport_stream_id
 *   | 2 reserved, 5 version, 1 current_next | 8 section_number | 8 last_section_number
 *   | 16 program_number 1, 3 reserved, 13 program_map_PID | 32 CRC
 * PMT section: 8 table_id 0x02 | section_length | 16 program_number | version | section numbers
 *   | 3 reserved, 13 PCR_PID | 4 reserved, 12 program_info_length 0
 *   | per stream: 8 stream_type, 3 reserved, 13 elementary_PID, 4 reserved, 12 ES_info_length 0 | 32 CRC
 * </pre>
 */
final class ProgramTables {
    static final int PROGRAM_NUMBER = 1;
    static final int TRANSPORT_STREAM_ID = 1;

    private ProgramTables() {
    }

    /** Writes the PAT packet with continuity counter {@code cc}. */
    static void writePat(ByteBuf out, int cc) {
        int start = startSectionPacket(out, TsWriter.PAT_PID, cc);
        out.writeByte(0x00); // table_id: program_association_section
        out.writeShort(0xB000 | 13); // syntax 1, '0', reserved 11, section_length: 5 + 4 + 4 (CRC)
        out.writeShort(TRANSPORT_STREAM_ID);
        out.writeByte(0xC1); // reserved 11, version 0, current_next 1
        out.writeByte(0); // section_number
        out.writeByte(0); // last_section_number
        out.writeShort(PROGRAM_NUMBER);
        out.writeShort(0xE000 | TsWriter.PMT_PID);
        finishSection(out, start);
    }

    /** Writes the PMT packet declaring only the tracks present; PCR on video when there is video. */
    static void writePmt(ByteBuf out, int cc, int version, boolean hasVideo, boolean hasAudio) {
        int start = startSectionPacket(out, TsWriter.PMT_PID, cc);
        int streams = (hasVideo ? 1 : 0) + (hasAudio ? 1 : 0);
        out.writeByte(0x02); // table_id: TS_program_map_section
        out.writeShort(0xB000 | (9 + 5 * streams + 4)); // section_length
        out.writeShort(PROGRAM_NUMBER);
        out.writeByte(0xC1 | (version & 0x1F) << 1); // reserved, version, current_next 1
        out.writeByte(0); // section_number
        out.writeByte(0); // last_section_number
        out.writeShort(0xE000 | (hasVideo ? TsWriter.VIDEO_PID : TsWriter.AUDIO_PID)); // PCR_PID
        out.writeShort(0xF000); // program_info_length 0
        if (hasVideo) {
            writeStream(out, StreamType.H264, TsWriter.VIDEO_PID);
        }
        if (hasAudio) {
            writeStream(out, StreamType.AAC_ADTS, TsWriter.AUDIO_PID);
        }
        finishSection(out, start);
    }

    private static void writeStream(ByteBuf out, StreamType type, int pid) {
        out.writeByte(type.value());
        out.writeShort(0xE000 | pid);
        out.writeShort(0xF000); // ES_info_length 0
    }

    /** Header with payload_unit_start, payload only, then pointer_field 0; returns the section's start index. */
    private static int startSectionPacket(ByteBuf out, int pid, int cc) {
        out.writeInt(0x47400000 | pid << 8 | 0x10 | cc);
        out.writeByte(0); // pointer_field
        return out.writerIndex();
    }

    private static void finishSection(ByteBuf out, int sectionStart) {
        out.writeInt(Crc32Mpeg2.compute(out, sectionStart, out.writerIndex() - sectionStart));
        int packetEnd = sectionStart - 5 + TsWriter.PACKET_SIZE;
        out.writeBytes(TsWriter.STUFFING, 0, packetEnd - out.writerIndex());
    }
}
