/**
 * MPEG-2 transport stream writing for HLS segments (ISO/IEC 13818-1 §2.4): 188-byte packets, PAT/PMT (§2.4.4),
 * PES packets (§2.4.3.6) with PTS/DTS, PCR in adaptation fields, continuity counters, CRC-32/MPEG-2, and the
 * 90 kHz clock. Layout follows RFC 8216 §3.2 and Apple's TS recommendations (PAT and PMT first in every segment).
 * Writes straight into a caller-provided {@code ByteBuf}; knows nothing of segments, playlists or I/O.
 */
package io.livechannel.ts;
