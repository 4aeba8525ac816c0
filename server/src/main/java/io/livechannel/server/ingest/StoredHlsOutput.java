package io.livechannel.server.ingest;

import io.livechannel.hls.DropReason;
import io.livechannel.hls.HlsOutput;
import io.livechannel.hls.PlaylistState;
import io.livechannel.hls.SegmentInfo;
import io.livechannel.server.snapshot.SnapshotTaker;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.LeaseLostException;
import io.livechannel.storage.catalog.PlaylistCounters;
import io.livechannel.storage.catalog.SegmentRecord;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.livechannel.ts.PesPayload;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * <p>Fencing: every catalog update carries the publish's lease epoch ({@code PublishLeases.verify} in the same
 * transaction) and is refused once another node took the channel over; a playlist is stored only while the lease
 * is valid ({@link #playlistReady}). Segments are stored regardless: their keys hold their start time, so they
 * never overwrite another node's.
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
    private final ChannelLeases.Lease lease;
    /** Completes once the last playlist's counters are committed (or failed); then this output's writes are done. */
    private CompletableFuture<Void> lastPlaylistSaved = CompletableFuture.completedFuture(null);
    /** Whether a refusal by a lost lease was logged; one WARN per publish. */
    private volatile boolean fencedLogged;
    /** {@link System#nanoTime()} when the segment the next playlist lists was cut; 0 when none is pending. */
    private long cutNanos;
    /** Segments the write queue refused in this publish; event-loop confined like every call here. */
    private int refusedSegments;

    StoredHlsOutput(ChannelKey channel, String logId, ObjectWriteQueue writes, CatalogBatcher catalog,
                    PlaylistCountersCache counters, Timer segmentListed, ChannelLeases.Lease lease,
                    SnapshotTaker snapshots) {
        this.snapshots = snapshots;
        this.segmentListed = segmentListed;
        this.lease = lease;
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
        write.thenAccept(stored -> catalog.submit("index segment", m -> {
                    m.leases().verify(channel.bucket(), channel.channel(), lease.epoch());
                    m.segments().add(record);
                }).exceptionally(failure -> logCatalogFailure("segment " + segment.objectKey()
                        + " was stored but not indexed", failure)))
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

    /**
     * Stores the playlist unless this node lost the channel's lease (or, on a shared catalog, its local deadline
     * passed): then another node may own the playlist object, so nothing is written and the publish is ended.
     * The lease is checked here and again in the write queue's lane just before the put ({@link
     * ChannelLeases#fence}); what remains is the put itself.
     */
    @Override
    public void playlistReady(String objectKey, String m3u8Text, PlaylistState countersToPersist) {
        if (!lease.valid()) {
            fenced("playlist " + objectKey + " not stored");
            return;
        }
        counters.update(channel, countersToPersist);
        ByteBuffer bytes = ByteBuffer.wrap(m3u8Text.getBytes(StandardCharsets.UTF_8));
        PlaylistCounters saved = new PlaylistCounters(countersToPersist.nextMediaSequence(),
                countersToPersist.discontinuitySequence());
        long listedSegmentCut = cutNanos;
        cutNanos = 0;
        lastPlaylistSaved = writes.submit(channel.orderingKey(), channel.bucket(), objectKey, bytes, PLAYLIST_OPTIONS,
                        ChannelLeases.fence(channel, lease), () -> { })
                .thenCompose(stored -> {
                    if (listedSegmentCut != 0) {
                        segmentListed.record(System.nanoTime() - listedSegmentCut, TimeUnit.NANOSECONDS);
                    }
                    return catalog.submit("save playlist counters", m -> {
                        m.leases().verify(channel.bucket(), channel.channel(), lease.epoch());
                        m.channels().saveCounters(channel.bucket(), channel.channel(), saved);
                    }).exceptionally(failure -> logCatalogFailure("playlist counters not saved", failure));
                })
                .exceptionally(failure -> {
                    if (causeOf(failure) instanceof StorageException e && e.kind() == StorageException.Kind.FENCED) {
                        fenced("playlist " + objectKey + " not stored when its turn came");
                    } else {
                        log.error("{} playlist {} was not stored: {}", logId, objectKey, failure.toString());
                    }
                    return null;
                });
    }

    /** The lease is lost: one WARN per publish, and the publish ends. */
    private void fenced(String what) {
        if (!fencedLogged) {
            fencedLogged = true;
            log.warn("{} lease of the channel lost: {}, the publish ends", logId, what);
        }
        lease.endPublish();
    }

    private static Throwable causeOf(Throwable failure) {
        return failure instanceof CompletionException ? failure.getCause() : failure;
    }

    /** Completes once every catalog update this output queued so far is committed or failed; see the class comment. */
    CompletableFuture<Void> written() {
        return lastPlaylistSaved;
    }

    /** Logs a failed catalog update: at ERROR, or one WARN per publish when a lost lease refused it. */
    private Void logCatalogFailure(String what, Throwable failure) {
        Throwable cause = causeOf(failure);
        if (!(cause instanceof LeaseLostException)) {
            log.error("{} {}: {}", logId, what, failure.toString());
        } else if (!fencedLogged) {
            fencedLogged = true;
            log.warn("{} {}: {}", logId, what, cause.getMessage());
        }
        return null;
    }
}
