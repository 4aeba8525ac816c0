/**
 * What the H.264 and AAC parsers share: {@link io.livechannel.codec.MalformedMediaException}, the one exception
 * every parser in {@code io.livechannel.codec.*} and {@code io.livechannel.flv} throws on malformed input, and
 * {@link io.livechannel.codec.BitReader} (ITU-T H.264 §7.2 bit reading, exp-Golomb §9.1). Pure: no Netty channel
 * types, no I/O, no clocks.
 */
package io.livechannel.codec;
