package io.livechannel.server.ingest;

import io.livechannel.storage.ListQuery;
import io.livechannel.storage.ObjectListing;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.ObjectStream;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelPage;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.PushRecord;
import io.livechannel.storage.catalog.SegmentRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the catalog up to what the live playlists say after a run that did not stop cleanly (killed, power lost):
 * the live path commits segment index entries and playlist counters in batches ({@code CatalogBatcher}, up to
 * ~50 ms after the objects are stored), so a killed server can leave stored, listed segments out of the index (VoD
 * playlists would skip them) and counters behind the playlist players last saw (a new publish would reuse media
 * sequence numbers, which players take for a rewind: RFC 8216 §6.2.1).
 *
 * <p>For each channel, its stored live playlist ({@link LivePlaylistText}) is the record of what players may have
 * seen: every segment it lists that is stored but not indexed is indexed (start from its
 * {@code EXT-X-PROGRAM-DATE-TIME}, duration from {@code EXTINF} to the millisecond, sequence from the playlist's
 * position, size from the object), and the counters are raised to follow its last segment. Segments stored after
 * the last listed one (their playlist's own write was lost) are not indexed, since no playlist gives their duration,
 * but the next media sequence is moved past them, since a player may have seen them listed from memory.
 *
 * <p>The publish the crash cut off is then ended as a clean stop would have ended it: its playlist gets
 * {@code #EXT-X-ENDLIST} (players stop reloading it and may play it to its end, as after a clean stop), and its
 * push record gets an end: the end of the last listed segment when that segment is from this push
 * (GetLiveChannelHistory showed such a push as ending at its start).
 *
 * <p>Cost: one read of each channel's playlist, one index query per listed segment, one listing per channel. Run
 * before the listeners open, so nothing publishes meanwhile, and only after an unclean stop ({@code Storage}), or
 * after a run whose check left channels {@link Result#failed}. Idempotent: a second run changes nothing.
 */
public final class UncleanStopRecovery {
    private static final Logger log = LoggerFactory.getLogger(UncleanStopRecovery.class);
    /** A live playlist lists at most FragCount (100) segments; anything far larger is not ours. */
    static final int MAX_PLAYLIST_BYTES = 256 * 1024;

    /**
     * What a run did: channels checked, segments added to the index, channels whose counters were raised, and
     * channels that could not be checked for a reason that may pass (the store or the catalog failed; a playlist
     * that is not ours does not count), which the next start should check again.
     */
    public record Result(int channels, int segmentsIndexed, int countersRaised, int playlistsEnded, int pushesEnded,
                         int failed) {
    }

    private final ObjectStore objects;
    private final MetadataStore metadata;

    public UncleanStopRecovery(ObjectStore objects, MetadataStore metadata) {
        this.objects = objects;
        this.metadata = metadata;
    }

    /** Every channel of every bucket; a channel that cannot be read is logged and left as it is. */
    public Result run() {
        int channels = 0;
        int indexed = 0;
        int raised = 0;
        int ended = 0;
        int pushes = 0;
        int failed = 0;
        for (Bucket bucket : metadata.buckets().list()) {
            String marker = "";
            ChannelPage page;
            do {
                page = metadata.channels().list(bucket.name(), "", marker, ListQuery.MAX_KEYS);
                for (Channel channel : page.channels()) {
                    channels++;
                    try {
                        Result one = recover(channel);
                        indexed += one.segmentsIndexed();
                        raised += one.countersRaised();
                        ended += one.playlistsEnded();
                        pushes += one.pushesEnded();
                    } catch (IllegalArgumentException e) { // not a playlist we wrote: nothing to learn from it
                        log.warn("channel {}/{} not checked after the unclean stop: {}", channel.bucket(),
                                channel.name(), e.toString());
                    } catch (StorageException | IOException | RuntimeException e) {
                        failed++;
                        log.warn("channel {}/{} not checked after the unclean stop (checked again at the next "
                                + "start): {}", channel.bucket(), channel.name(), e.toString());
                    }
                }
                marker = page.nextMarker();
            } while (page.truncated());
        }
        return new Result(channels, indexed, raised, ended, pushes, failed);
    }

    /** One channel; see the class comment. */
    Result recover(Channel channel) throws StorageException, IOException {
        String bucket = channel.bucket();
        String playlistKey = channel.name() + "/" + channel.playlistName();
        Optional<String> text = read(bucket, playlistKey);
        if (text.isEmpty()) {
            return new Result(1, 0, 0, 0, endOpenPush(bucket, channel.name(), Optional.empty()) ? 1 : 0, 0);
        }
        LivePlaylistText playlist = LivePlaylistText.parse(text.get());
        int indexed = 0;
        String lastKey = null;
        long sequence = playlist.mediaSequence();
        for (LivePlaylistText.Entry entry : playlist.entries()) {
            String key = channel.name() + "/" + entry.fileName();
            lastKey = key;
            if (entry.startMillis().isPresent() && !indexed(bucket, channel.name(), key, entry.startMillis().get())) {
                Optional<StoredObject> stored = objects.head(bucket, key);
                if (stored.isPresent()) {
                    metadata.segments().add(new SegmentRecord(bucket, channel.name(), key, entry.startMillis().get(),
                            entry.durationMicros(), sequence, entry.discontinuity(), stored.get().size()));
                    indexed++;
                }
            }
            sequence++;
        }
        long next = sequence + (lastKey == null ? 0 : segmentsStoredAfter(bucket, channel.name(), lastKey));
        PlaylistCounters seen = new PlaylistCounters(next, playlist.nextDiscontinuitySequence());
        PlaylistCounters saved = metadata.channels().counters(bucket, channel.name());
        PlaylistCounters raised = new PlaylistCounters(
                Math.max(seen.nextMediaSequence(), saved.nextMediaSequence()),
                Math.max(seen.discontinuitySequence(), saved.discontinuitySequence()));
        boolean raise = !raised.equals(saved);
        if (raise) {
            metadata.channels().saveCounters(bucket, channel.name(), raised);
        }
        boolean end = !playlist.ended();
        if (end) {
            String unended = text.get();
            objects.put(bucket, playlistKey, (unended + (unended.endsWith("\n") ? "" : "\n") + "#EXT-X-ENDLIST\n")
                    .getBytes(StandardCharsets.UTF_8), StoredHlsOutput.PLAYLIST_OPTIONS);
        }
        List<LivePlaylistText.Entry> entries = playlist.entries();
        boolean pushEnded = endOpenPush(bucket, channel.name(),
                entries.isEmpty() ? Optional.empty() : entries.get(entries.size() - 1).endMillis());
        if (indexed > 0 || raise || end) {
            log.info("channel {}/{} after the unclean stop: {} listed segments indexed; next media sequence {} -> {}, "
                    + "discontinuity sequence {} -> {}; playlist {}", bucket, channel.name(), indexed,
                    saved.nextMediaSequence(), raised.nextMediaSequence(), saved.discontinuitySequence(),
                    raised.discontinuitySequence(), end ? "ended" : "was ended");
        }
        return new Result(1, indexed, raise ? 1 : 0, end ? 1 : 0, pushEnded ? 1 : 0, 0);
    }

    /**
     * Gives the channel's newest push record an end if it has none (the crash cut that push off):
     * {@code lastSegmentEndMillis} when it is after the push's start, else the start, which is what
     * GetLiveChannelHistory showed for it. Older records without an end (cut off by crashes before this check
     * existed) are left as they are: no playlist tells when they ended, and they are shown ending at their start.
     */
    private boolean endOpenPush(String bucket, String channel, Optional<Long> lastSegmentEndMillis) {
        List<PushRecord> newest = metadata.history().recent(bucket, channel, 1);
        if (newest.isEmpty() || newest.get(0).end() != null) {
            return false;
        }
        PushRecord push = newest.get(0);
        Instant end = lastSegmentEndMillis.map(Instant::ofEpochMilli).filter(e -> e.isAfter(push.start()))
                .orElse(push.start());
        metadata.history().recordEnd(push.id(), end);
        log.info("push {} to {}/{} from {} ended at {} after the unclean stop", push.id(), bucket, channel,
                push.start(), end);
        return true;
    }

    private boolean indexed(String bucket, String channel, String key, long startMillis) {
        return metadata.segments().range(bucket, channel, startMillis, startMillis).stream()
                .anyMatch(r -> r.objectKey().equals(key));
    }

    /**
     * Segments of this channel stored after {@code lastListedKey}: keys {@code <channel>/<epoch millis>.ts} sort by
     * time when their numbers have as many digits, as every start time from 2001 to 2286 does.
     */
    private int segmentsStoredAfter(String bucket, String channel, String lastListedKey) throws StorageException {
        int count = 0;
        String prefix = channel + "/";
        String marker = lastListedKey;
        ObjectListing page;
        do {
            page = objects.list(bucket, new ListQuery(prefix, marker, "/", ListQuery.MAX_KEYS));
            for (StoredObject object : page.objects()) {
                if (object.key().length() == lastListedKey.length() && isSegmentKey(object.key(), prefix)) {
                    count++;
                }
            }
            marker = page.nextMarker();
        } while (page.truncated());
        return count;
    }

    private static boolean isSegmentKey(String key, String prefix) {
        if (!key.endsWith(".ts") || key.length() <= prefix.length() + 3) {
            return false;
        }
        for (int i = prefix.length(); i < key.length() - 3; i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private Optional<String> read(String bucket, String key) throws StorageException, IOException {
        Optional<StoredObject> head = objects.head(bucket, key);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        if (head.get().size() > MAX_PLAYLIST_BYTES) {
            throw new IllegalArgumentException(key + " is " + head.get().size() + " bytes, over the "
                    + MAX_PLAYLIST_BYTES + " of a live playlist");
        }
        try (ObjectStream stream = objects.get(bucket, key, null); InputStream in = stream.content()) {
            return Optional.of(new String(in.readNBytes(MAX_PLAYLIST_BYTES), StandardCharsets.UTF_8));
        }
    }
}
