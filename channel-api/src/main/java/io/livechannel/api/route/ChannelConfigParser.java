package io.livechannel.api.route;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.api.xml.LiveChannelConfiguration;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Validates a {@code <LiveChannelConfiguration>} into a {@link Channel} (livechannel.md "Model", wire spec §3.1).
 *
 * <table>
 *   <caption>rules</caption>
 *   <tr><td>channel name</td><td>1..{@value #MAX_NAME_BYTES} UTF-8 bytes, no {@code /}, not starting with
 *       {@code \}, no control characters</td></tr>
 *   <tr><td>Description</td><td>at most {@value #MAX_DESCRIPTION_BYTES} bytes</td></tr>
 *   <tr><td>Status</td><td>{@code enabled} (default when absent or empty) or {@code disabled}</td></tr>
 *   <tr><td>Target/Type</td><td>{@code HLS}</td></tr>
 *   <tr><td>FragDuration, FragCount</td><td>[1, 100] each; both absent: 5 and 3; one alone: refused</td></tr>
 *   <tr><td>PlaylistName</td><td>ends with {@code .m3u8}, {@value #MIN_PLAYLIST_BYTES}..{@value #MAX_PLAYLIST_BYTES}
 *       bytes, no {@code /} and no control character; absent or empty: {@code playlist.m3u8}</td></tr>
 *   <tr><td>Snapshot/Interval</td><td>[1, 100] when a Snapshot is given</td></tr>
 *   <tr><td>Snapshot/DestBucket</td><td>given when a Snapshot is; that it is a bucket of this server is checked by
 *       {@link PutLiveChannel}</td></tr>
 * </table>
 * Every violation is 400 InvalidArgument naming the element and the value.
 */
final class ChannelConfigParser {
    static final int MAX_NAME_BYTES = 1023;
    static final int MAX_DESCRIPTION_BYTES = 128;
    static final int MIN_FRAG = 1;
    static final int MAX_FRAG = 100;
    static final int DEFAULT_FRAG_DURATION = 5;
    static final int DEFAULT_FRAG_COUNT = 3;
    static final int MIN_PLAYLIST_BYTES = 6;
    static final int MAX_PLAYLIST_BYTES = 128;
    static final String DEFAULT_PLAYLIST = "playlist.m3u8";

    private ChannelConfigParser() {
    }

    static Channel parse(String bucket, String name, LiveChannelConfiguration doc, Instant now) throws OssException {
        checkChannelName(name);
        String description = doc.description() == null ? "" : doc.description();
        if (description.getBytes(StandardCharsets.UTF_8).length > MAX_DESCRIPTION_BYTES) {
            throw invalid("Description is longer than " + MAX_DESCRIPTION_BYTES + " bytes");
        }
        ChannelStatus status = parseStatus(doc.status());
        LiveChannelConfiguration.Target target = doc.target();
        if (target == null) {
            throw invalid("Target is required");
        }
        if (!"HLS".equals(target.type())) {
            throw invalid("Target/Type must be HLS, not '" + shorten(String.valueOf(target.type())) + "'");
        }
        boolean hasDuration = !isBlank(target.fragDuration());
        boolean hasCount = !isBlank(target.fragCount());
        if (hasDuration != hasCount) {
            throw invalid("FragDuration and FragCount must be given together (or both left out for 5 and 3)");
        }
        int duration = hasDuration ? range("FragDuration", target.fragDuration(), MIN_FRAG, MAX_FRAG)
                : DEFAULT_FRAG_DURATION;
        int count = hasCount ? range("FragCount", target.fragCount(), MIN_FRAG, MAX_FRAG) : DEFAULT_FRAG_COUNT;
        String playlist = playlistName(target.playlistName());
        return new Channel(bucket, name, description, status, duration, count, playlist, snapshot(doc.snapshot()),
                now);
    }

    /** Channel names follow object-key rules and contain no {@code /}. */
    static void checkChannelName(String name) throws OssException {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_NAME_BYTES) {
            throw invalid("LiveChannel name must be 1.." + MAX_NAME_BYTES + " bytes");
        }
        if (name.indexOf('/') >= 0 || name.startsWith("\\") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw invalid("LiveChannel name '" + shorten(name) + "' must not contain '/' or control characters "
                    + "nor start with '\\'");
        }
    }

    static ChannelStatus parseStatus(String value) throws OssException {
        if (isBlank(value)) {
            return ChannelStatus.ENABLED;
        }
        try {
            return ChannelStatus.ofWireValue(value);
        } catch (IllegalArgumentException e) {
            throw invalid("Status must be 'enabled' or 'disabled', not '" + shorten(value) + "'");
        }
    }

    private static String playlistName(String value) throws OssException {
        if (isBlank(value)) {
            return DEFAULT_PLAYLIST;
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (!value.endsWith(".m3u8") || bytes < MIN_PLAYLIST_BYTES || bytes > MAX_PLAYLIST_BYTES
                || value.indexOf('/') >= 0 || value.indexOf('\\') >= 0 || !ObjectKeys.isPrintable(value, false)) {
            throw invalid("PlaylistName '" + shorten(value) + "' must end with .m3u8, be " + MIN_PLAYLIST_BYTES + ".."
                    + MAX_PLAYLIST_BYTES + " bytes long and contain no '/' and no control character");
        }
        return value;
    }

    private static Snapshot snapshot(LiveChannelConfiguration.Snapshot s) throws OssException {
        if (s == null) {
            return null;
        }
        if (isBlank(s.destBucket())) {
            throw invalid("Snapshot/DestBucket is required: the bucket the snapshots are stored in");
        }
        int interval = range("Snapshot/Interval", s.interval(), MIN_FRAG, MAX_FRAG);
        return new Snapshot(s.roleName(), s.destBucket(), s.notifyTopic(), interval);
    }

    private static int range(String element, String value, int min, int max) throws OssException {
        int parsed;
        try {
            parsed = Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw invalid(element + " must be an integer in [" + min + ", " + max + "], not '"
                    + shorten(String.valueOf(value)) + "'");
        }
        if (parsed < min || parsed > max) {
            throw invalid(element + " " + parsed + " is outside [" + min + ", " + max + "]");
        }
        return parsed;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    static OssException invalid(String message) {
        return new OssException(OssErrorCode.INVALID_ARGUMENT, message + ".");
    }

    static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
