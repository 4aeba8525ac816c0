/**
 * H.264 values the packager and the live statistics need: the {@code avcC} decoder configuration record
 * (ISO/IEC 14496-15 §5.3.3.1), the sequence parameter set (ITU-T H.264 §7.3.2.1.1, VUI Annex E) and NAL unit
 * types (Table 7-1). Parsers throw {@link io.livechannel.codec.MalformedMediaException}. Pure: no Netty channel
 * types, no I/O, no clocks.
 */
package io.livechannel.codec.h264;
