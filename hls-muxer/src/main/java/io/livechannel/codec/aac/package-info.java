/**
 * MPEG-4 Audio values for AAC in FLV and MPEG-TS: {@code AudioSpecificConfig} (ISO/IEC 14496-3 §1.6.2.1), the
 * sampling-frequency table (§1.6.3.4), audio object types (§1.5.1.1) and the ADTS header written before every
 * AAC frame in a transport stream (ISO/IEC 13818-7 §6.2 / 14496-3 §1.A.2). Parsers throw
 * {@link io.livechannel.codec.MalformedMediaException}. Pure: no Netty channel types, no I/O, no clocks.
 */
package io.livechannel.codec.aac;
