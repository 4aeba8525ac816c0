/**
 * The headers of FLV audio and video tag bodies as RTMP carries them in audio (type 8) and video (type 9)
 * messages: Adobe "Video File Format Specification" v10.1, Annex E.4.2.1 (AUDIODATA) and E.4.3.1 (VIDEODATA).
 * Parsers throw {@link io.livechannel.codec.MalformedMediaException}. Pure: no Netty channel types, no I/O.
 */
package io.livechannel.flv;
