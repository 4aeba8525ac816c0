package io.livechannel.rtmp;

import io.livechannel.rtmp.amf.AmfValue;
import io.netty.buffer.ByteBuf;

/**
 * The frames of one publish, in arrival order, with timestamps in milliseconds as sent by the encoder (RTMP
 * message timestamps, 32-bit wraparound already unwrapped, so they only grow past 2^32).
 *
 * <p>Threading: every method is called on the publishing connection's event loop, never concurrently.
 *
 * <p>Ownership: {@code body} is the FLV tag body of the RTMP message (RTMP spec §7.1.4/§7.1.5, FLV spec E.4.2/E.4.3:
 * the first byte is the audio or video tag header). The caller keeps ownership and releases it after the call
 * returns; a sink that keeps the bytes longer calls {@code body.retain()} (or {@code retainedSlice()}) and
 * releases that itself. The body's readerIndex may be moved freely.
 *
 * <p>Only H.264 video reaches {@link #onVideo} (other codecs end the publish with
 * {@link EndReason#UNSUPPORTED_MEDIA}); only AAC audio reaches {@link #onAudio} (other audio is dropped and logged
 * once).
 */
public interface MediaSink {
    void onVideo(long timestampMillis, ByteBuf body);

    void onAudio(long timestampMillis, ByteBuf body);

    /** The stream's {@code onMetaData} (usually an ECMA array), from {@code @setDataFrame} or sent bare. */
    default void onMetaData(long timestampMillis, AmfValue metaData) {
    }

    /** Called exactly once, after the last frame; the publisher has been (or is being) disconnected. */
    void onPublishEnd(EndReason reason);
}
