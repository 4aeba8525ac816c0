package io.livechannel.hls;

import io.netty.buffer.ByteBuf;

/** The segment being written: its TS buffer (owned until handed to {@link HlsOutput#segmentReady}) and its facts. */
final class OpenSegment {
    final ByteBuf buffer;
    final String objectKey;
    final long startTimeMillis;
    final long firstMillis;
    final long mediaSequence;
    final boolean discontinuity;
    final int trackMask;
    private long endMillis;

    OpenSegment(ByteBuf buffer, String objectKey, long startTimeMillis, long firstMillis, long mediaSequence,
                boolean discontinuity, int trackMask) {
        this.buffer = buffer;
        this.objectKey = objectKey;
        this.startTimeMillis = startTimeMillis;
        this.firstMillis = firstMillis;
        this.mediaSequence = mediaSequence;
        this.discontinuity = discontinuity;
        this.trackMask = trackMask;
        this.endMillis = firstMillis;
    }

    boolean hasVideo() {
        return (trackMask & Tracks.VIDEO) != 0;
    }

    boolean hasAudio() {
        return (trackMask & Tracks.AUDIO) != 0;
    }

    /** Records that a frame plays until {@code frameEndMillis}. */
    void extendTo(long frameEndMillis) {
        endMillis = Math.max(endMillis, frameEndMillis);
    }

    long endMillis() {
        return endMillis;
    }
}
