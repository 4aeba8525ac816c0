package io.livechannel.storage.catalog;

/**
 * The live playlist counters a channel keeps across publishes and restarts (RFC 8216 §4.3.3.2 and
 * §4.3.3.3): the next segment's media sequence number and the current discontinuity sequence.
 */
public record PlaylistCounters(long nextMediaSequence, long discontinuitySequence) {
    public static final PlaylistCounters INITIAL = new PlaylistCounters(0, 0);

    public PlaylistCounters {
        if (nextMediaSequence < 0 || discontinuitySequence < 0) {
            throw new IllegalArgumentException("negative counter: " + nextMediaSequence + ", " + discontinuitySequence);
        }
    }
}
