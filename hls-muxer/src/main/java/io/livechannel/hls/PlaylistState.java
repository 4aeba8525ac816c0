package io.livechannel.hls;

/**
 * The playlist counters that must survive republishes and server restarts, persisted by whoever stores channel
 * state (RFC 8216 §6.2.1: the media sequence never goes back; players stall when it does, hls.js #1090).
 *
 * @param nextMediaSequence     {@code EXT-X-MEDIA-SEQUENCE} of the next segment to be produced
 * @param discontinuitySequence {@code EXT-X-DISCONTINUITY-SEQUENCE} of a playlist whose first segment is the next
 *                              one: the number of discontinuity tags on every earlier segment
 * @param nextTimestampMillis   where the next publish's PTS timeline starts (ms): the end of this publish's media.
 *                              0 when unknown (after a restart): then it starts at the wall clock. Kept in memory
 *                              by the server, not persisted.
 */
public record PlaylistState(long nextMediaSequence, long discontinuitySequence, long nextTimestampMillis) {
    /** A channel that never produced a segment. */
    public static final PlaylistState INITIAL = new PlaylistState(0, 0);

    public PlaylistState {
        if (nextMediaSequence < 0 || discontinuitySequence < 0 || nextTimestampMillis < 0) {
            throw new IllegalArgumentException("negative counter: " + nextMediaSequence + ", " + discontinuitySequence
                    + ", " + nextTimestampMillis);
        }
    }

    /** Counters as persisted, with no timestamp floor. */
    public PlaylistState(long nextMediaSequence, long discontinuitySequence) {
        this(nextMediaSequence, discontinuitySequence, 0);
    }

    PlaylistState withNextTimestampMillis(long millis) {
        return new PlaylistState(nextMediaSequence, discontinuitySequence, millis);
    }
}
