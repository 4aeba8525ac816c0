package io.livechannel.server.ingest;

import io.livechannel.hls.DropReason;
import io.livechannel.hls.HlsOutput;
import io.livechannel.hls.PlaylistState;
import io.livechannel.hls.SegmentInfo;
import io.livechannel.server.snapshot.SnapshotTaker;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.ts.PesPayload;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one publish's HLS output: each segment, then the playlist that lists it, through the channel's lane of
 * the {@link ObjectWriteQueue} (so the order holds and outages are retried); once a segment is stored it is
 * added to the segment index, once a playlist is stored its counters are saved with the channel, both through the
 * {@link CatalogBatcher} (committed with the other channels' updates of the moment). A playlist is readable as soon
 * as the segment it adds is stored, before its own write lands (the queue publishes the write heading each lane,
 * see {@code QueuedObjects}), so a player never sees a segment listed that is not stored.
 * The timer {@code segmentListed} measures the durable side: from the cut to the stored playlist.
 *
 * <p>Threading: called on the publishing event loop; it only hands off. The catalog updates are queued in the write
 * queue's completion, on the storage executor, in lane order, and the batcher applies them in the order queued —
 * so counters are saved in the order produced. A
 * playlist superseded in the queue by a newer version of itself is not written, but its completion still runs,
 * in order, just before the newer one's (see {@link ObjectWriteQueue}).
 *
 * <p>Memory: a segment's bytes stay in the packager's pooled direct buffer from the cut until the store has
 * written them (the queue holds a {@code nioBuffer()} view, and the filesystem store writes that view to the file
 * directly); a playlist is a small heap array.
 */
final class StoredHlsOutput implements HlsOutput {
    private static final Logger log = LoggerFactory.getLogger(StoredHlsOutput.class);
    /** Live output: a checksum ETag instead of MD5, and no fsync under the default policy ({@code PutOptions}). */
    static final PutOptions SEGMENT_OPTIONS = PutOptions.liveOutput("video/MP2T");
    static final PutOptions PLAYLIST_OPTIONS = PutOptions.liveOutput("application/x-mpegURL");

    private final ChannelKey channel;
    private final String logId;
    private final ObjectWriteQueue writes;
    private final CatalogBatcher catalog;
    private final PlaylistCountersCache counters;
    private final Timer segmentListed;
    /** The publish's snapshots, or {@code null} when its channel takes none. */
    private final SnapshotTaker snapshots;
    /** {@link System#nanoTime()} when the segment the next playlist lists was cut; 0 when none is pending. */
    private long cutNanos;
    /** Segments the write queue refused in this publish; event-loop confined like every call here. */
    private int refusedSegments;

    StoredHlsOutput(ChannelKey channel, String logId, ObjectWriteQueue writes, CatalogBatcher catalog,
                    PlaylistCountersCache counters, Timer segmentListed, SnapshotTaker snapshots) {
        this.snapshots = snapshots;
        this.segmentListed = segmentListed;
        this.channel = channel;
        this.logId = logId;
        this.writes = writes;
        this.catalog = catalog;
        this.counters = counters;
    }

    /**
     * Takes ownership of {@code tsData}: the write queue releases it once the bytes are stored or spooled.
     *
     * @return false when the write queue refused the segment at once (backlog full, or shutting down): the packager
     *         then leaves it out of the playlist. A write accepted and failing later for good (invalid key, bucket
     *         deleted) is logged; it stays listed, as the playlist that lists it has been handed over already.
     */
    @Override
    public boolean segmentReady(SegmentInfo segment, ByteBuf tsData) {
        ByteBuffer bytes;
        try {
            bytes = tsData.nioBuffer();
        } catch (RuntimeException e) {
            tsData.release();
            throw e;
        }
        SegmentRecord record = new SegmentRecord(channel.bucket(), channel.channel(), segment.objectKey(),
                segment.startTimeMillis(), segment.durationMicros(), segment.mediaSequence(),
                segment.discontinuity(), segment.sizeBytes());
        log.debug("{} segment {} ({} bytes, {} us, cut {})", logId, segment.objectKey(), segment.sizeBytes(),
                segment.durationMicros(), segment.cutReason());
        CompletableFuture<StoredObject> write = writes.submit(channel.orderingKey(), channel.bucket(),
                segment.objectKey(), bytes, SEGMENT_OPTIONS, tsData::release);
        if (write.isCompletedExceptionally()) { // refused: already failed on return, the buffer released
            // One ERROR per publish, not one per segment: a full backlog refuses every channel's segments at once.
            boolean first = refusedSegments++ == 0;
            write.exceptionally(failure -> {
                if (first) {
                    log.error("{} segment {} refused, left out of the playlist: {} (later refusals in this publish "
                            + "at DEBUG; counted in livechannel_write_rejected_total)", logId, segment.objectKey(),
                            failure.getMessage());
                } else {
                    log.debug("{} segment {} refused, left out of the playlist", logId, segment.objectKey());
                }
                return null;
            });
            return false;
        }
        cutNanos = System.nanoTime();
        write.thenAccept(stored -> catalog.submit("index segment", m -> m.segments().add(record))
                        .exceptionally(failure -> {
                            log.error("{} segment {} was stored but not indexed: {}", logId, segment.objectKey(),
                                    failure.toString());
                            return null;
                        }))
                .exceptionally(failure -> {
                    log.error("{} segment {} was not stored: {}", logId, segment.objectKey(), failure.toString());
                    return null;
                });
        return true;
    }

    @Override
    public void keyframePackaged(long dtsMillis, PesPayload accessUnit) {
        if (snapshots != null) {
            snapshots.onKeyframe(dtsMillis, accessUnit);
        }
    }

    @Override
    public void unitDropped(DropReason reason, String detail) {
        log.debug("{} media unit dropped ({}): {}", logId, reason, detail);
    }

    @Override
    public void playlistReady(String objectKey, String m3u8Text, PlaylistState countersToPersist) {
        counters.update(channel, countersToPersist);
        ByteBuffer bytes = ByteBuffer.wrap(m3u8Text.getBytes(StandardCharsets.UTF_8));
        PlaylistCounters saved = new PlaylistCounters(countersToPersist.nextMediaSequence(),
                countersToPersist.discontinuitySequence());
        long listedSegmentCut = cutNanos;
        cutNanos = 0;
        writes.submit(channel.orderingKey(), channel.bucket(), objectKey, bytes, PLAYLIST_OPTIONS, () -> { })
                .thenAccept(stored -> {
                    if (listedSegmentCut != 0) {
                        segmentListed.record(System.nanoTime() - listedSegmentCut, TimeUnit.NANOSECONDS);
                    }
                    catalog.submit("save playlist counters",
                            m -> m.channels().saveCounters(channel.bucket(), channel.channel(), saved))
                            .exceptionally(failure -> {
                                log.error("{} playlist counters not saved: {}", logId, failure.toString());
                                return null;
                            });
                })
                .exceptionally(failure -> {
                    log.error("{} playlist {} was not stored: {}", logId, objectKey, failure.toString());
                    return null;
                });
    }
}
