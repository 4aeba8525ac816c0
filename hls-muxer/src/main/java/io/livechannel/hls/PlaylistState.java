package io.livechannel.hls;

/**
 * The playlist counters that must survive republishes and server restarts, persisted by whoever stores channel
 * state (RFC 8216 §6.2.1: the media sequence never goes back; players stall when it does, hls.js #1090).
 *
 * @param nextMediaSequence     {@code EXT-X-MEDIA-SEQUENCE} of the next segment to be produced
 * @param discontinuitySequence {@code EXT-X-DISCONTINUITY-SEQUENCE} of a playlist whose first segment is the next
 *                              one: the number of discontinuity tags on every earlier segment
 */
public record PlaylistState(long nextMediaSequence, long discontinuitySequence) {
    /** A channel that never produced a segment. */
    public static final PlaylistState INITIAL = new PlaylistState(0, 0);

    public PlaylistState {
        if (nextMediaSequence < 0 || discontinuitySequence < 0) {
            throw new IllegalArgumentException("negative counter: " + nextMediaSequence + ", " + discontinuitySequence);
        }
    }
}
