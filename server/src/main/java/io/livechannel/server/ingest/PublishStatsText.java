package io.livechannel.server.ingest;

import io.livechannel.rtmp.session.PublishStats;
import java.time.Instant;
import java.util.Optional;

/**
 * A publisher's statistics as the one line of text its node stores in the lease row with each heartbeat, for
 * GetLiveChannelStat on the other nodes: tab-separated fields, {@code -} for absent video or audio. A line this
 * code cannot read (written by another version) reads as empty rather than failing the API call.
 */
final class PublishStatsText {
    private static final String VERSION = "1";
    private static final String ABSENT = "-";
    private static final int FIELDS = 11;

    private PublishStatsText() {
    }

    static String format(PublishStats s) {
        PublishStats.Video v = s.video();
        PublishStats.Audio a = s.audio();
        return String.join("\t", VERSION, Long.toString(s.connectedAt().toEpochMilli()), s.remoteAddress(),
                v == null ? ABSENT : Integer.toString(v.width()), v == null ? ABSENT : Integer.toString(v.height()),
                v == null ? ABSENT : Double.toString(v.frameRate()),
                v == null ? ABSENT : Long.toString(v.bandwidthBitsPerSecond()), v == null ? ABSENT : v.codec(),
                a == null ? ABSENT : Integer.toString(a.sampleRate()),
                a == null ? ABSENT : Long.toString(a.bandwidthBitsPerSecond()), a == null ? ABSENT : a.codec());
    }

    static Optional<PublishStats> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] f = text.split("\t", -1);
        if (f.length != FIELDS || !f[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            PublishStats.Video video = f[3].equals(ABSENT) ? null : new PublishStats.Video(Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6]), f[7]);
            PublishStats.Audio audio = f[8].equals(ABSENT) ? null
                    : new PublishStats.Audio(Integer.parseInt(f[8]), Long.parseLong(f[9]), f[10]);
            return Optional.of(new PublishStats(Instant.ofEpochMilli(Long.parseLong(f[1])), f[2], video, audio));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
