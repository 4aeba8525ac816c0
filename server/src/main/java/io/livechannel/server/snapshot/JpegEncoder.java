package io.livechannel.server.snapshot;

import java.io.IOException;

/** Turns one H.264 keyframe into a JPEG; {@link LibavJpegEncoder} in the server, a stand-in where a test needs one. */
public interface JpegEncoder {
    /**
     * @param annexB one IDR access unit in Annex B form with the SPS and PPS in effect
     * @throws IOException when it does not decode or encode (the message says which step)
     */
    Jpeg encode(byte[] annexB) throws IOException;

    /** A JPEG and the picture's size. */
    record Jpeg(byte[] bytes, int width, int height) {
    }
}
