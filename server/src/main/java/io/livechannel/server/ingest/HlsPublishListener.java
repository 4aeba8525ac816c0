package io.livechannel.server.ingest;

import io.livechannel.hls.DropReason;
import io.livechannel.hls.HlsPackager;
import io.livechannel.hls.HlsSettings;
import io.livechannel.hls.SegmenterLimits;
import io.livechannel.rtmp.EndReason;
import io.livechannel.rtmp.MediaSink;
import io.livechannel.rtmp.PublishListener;
import io.livechannel.rtmp.PublishSessionInfo;
import io.livechannel.server.snapshot.Snapshots;
import io.livechannel.storage.catalog.CatalogBatcher;
import io.livechannel.storage.catalog.LeaseLostException;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.write.ObjectWriteQueue;
import io.netty.buffer.ByteBuf;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each admitted publish into an {@link HlsPackager} writing through {@link StoredHlsOutput} (which hands
 * keyframes to the publish's {@link Snapshots} taker when its channel has a Snapshot), and records the session in
 * the push history (start at publish, end when it ends, however it ends).
 *
 * <p>Threading: {@link #onPublishStart} and the returned sink run on the publishing event loop; history writes
 * run on the storage executor.
 */
public final class HlsPublishListener implements PublishListener {
    private static final Logger log = LoggerFactory.getLogger(HlsPublishListener.class);

    private final ObjectWriteQueue writes;
    private final MetadataStore metadata;
    private final CatalogBatcher catalogUpdates;
    /** Ended publishes whose push record's end is not yet committed or failed. */
    private final Set<CompletableFuture<Void>> endsInFlight = ConcurrentHashMap.newKeySet();
    private final Executor storageExecutor;
    private final PlaylistCountersCache counters;
    private final Clock clock;
    private final Timer segmentListed;
    private final SegmenterLimits limits;
    private final Snapshots snapshots;
    private final ChannelLeases leases;

    /**
     * @param meters where {@value #SEGMENT_LISTED_TIMER} is recorded: from a segment's cut (on the publish's event
     *               loop) to the stored playlist that lists it, i.e. what a player polling the playlist waits for
     *               beyond its own poll interval; an empty {@code CompositeMeterRegistry} records nothing
     * @param limits the packager's limits; the write queue's backlog must hold at least two of its largest
     *               segments ({@code Storage.writeQueueConfig})
     * @param snapshots takes the snapshots of channels that have a Snapshot; {@code null} takes none
     */
    public HlsPublishListener(ObjectWriteQueue writes, MetadataStore metadata, CatalogBatcher catalogUpdates,
                              Executor storageExecutor, PlaylistCountersCache counters, Clock clock,
                              MeterRegistry meters, SegmenterLimits limits, ChannelLeases leases,
                              Snapshots snapshots) {
        this.limits = limits;
        this.leases = leases;
        this.snapshots = snapshots;
        this.writes = writes;
        this.metadata = metadata;
        this.catalogUpdates = catalogUpdates;
        this.storageExecutor = storageExecutor;
        this.counters = counters;
        this.clock = clock;
        this.segmentListed = Timer.builder(SEGMENT_LISTED_TIMER)
                .description("from a segment's cut to the stored live playlist that lists it")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /**
     * Completes once every publish ended so far has its push record's end committed or failed (server shutdown
     * waits for it before the catalog closes).
     */
    public CompletableFuture<Void> endsRecorded() {
        return CompletableFuture.allOf(endsInFlight.toArray(CompletableFuture[]::new));
    }

    /** The meter name of the cut-to-listed latency. */
    public static final String SEGMENT_LISTED_TIMER = "livechannel.segment.listed.latency";

    @Override
    public MediaSink onPublishStart(PublishSessionInfo info) {
        ChannelKey key = new ChannelKey(info.bucket(), info.channel());
        HlsSettings settings = new HlsSettings(info.channel(), info.playlistName(), info.fragDurationSeconds(),
                info.fragCount(), limits);
        ChannelLeases.Lease lease = leases.bind(key);
        StoredHlsOutput output = new StoredHlsOutput(key, info.logId(), writes, catalogUpdates, counters,
                segmentListed, lease,
                snapshots == null ? null : snapshots.start(info.bucket(), info.channel(), info.logId()));
        HlsPackager packager = new HlsPackager(settings, output, clock::millis, counters.get(key));
        CompletableFuture<Long> historyId = recordStart(info);
        log.debug("{} packaging to {}, FragDuration {} s, FragCount {}", info.logId(),
                settings.playlistObjectKey(), info.fragDurationSeconds(), info.fragCount());
        return new PackagingSink(info, packager, output, lease, historyId);
    }

    private CompletableFuture<Long> recordStart(PublishSessionInfo info) {
        try {
            return CompletableFuture.supplyAsync(() -> metadata.history()
                    .recordStart(info.bucket(), info.channel(), info.startedAt(), info.remoteAddress()), storageExecutor);
        } catch (RejectedExecutionException overloaded) {
            log.error("{} push history not recorded: catalog executor full", info.logId());
            return CompletableFuture.failedFuture(overloaded);
        }
    }

    /**
     * Records the end of the publish in its push record, after its last playlist's counters (the batcher keeps
     * the order), fenced by its lease like every write of the live path.
     *
     * @return completes once the end is committed or failed: the publish has then written everything
     */
    private CompletableFuture<Void> recordEnd(PublishSessionInfo info, StoredHlsOutput output,
                                              ChannelLeases.Lease lease, CompletableFuture<Long> historyId,
                                              java.time.Instant end) {
        // on the storage executor: the batcher's submit blocks while its queue is full (a shared catalog down)
        return historyId.thenCombine(output.written(), (id, v) -> id)
                .thenComposeAsync(id -> catalogUpdates.submit("record push end", m -> {
                    m.leases().verify(info.bucket(), info.channel(), lease.epoch());
                    m.history().recordEnd(id, end);
                }), storageExecutor)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof LeaseLostException) { // the new holder ends the push record
                        log.warn("{} push end not recorded: {}", info.logId(), cause.getMessage());
                    } else {
                        log.error("{} push history not recorded: {}", info.logId(), failure.toString());
                    }
                    return null;
                });
    }

    /** Feeds one publish's frames to its packager; finishes it exactly once. */
    private final class PackagingSink implements MediaSink {
        private final PublishSessionInfo info;
        private final HlsPackager packager;
        private final StoredHlsOutput output;
        private final ChannelLeases.Lease lease;
        private final CompletableFuture<Long> historyId;

        PackagingSink(PublishSessionInfo info, HlsPackager packager, StoredHlsOutput output, ChannelLeases.Lease lease,
                      CompletableFuture<Long> historyId) {
            this.info = info;
            this.packager = packager;
            this.output = output;
            this.lease = lease;
            this.historyId = historyId;
        }

        /** One line per publish that lost media units, with the count per reason (each was logged at DEBUG). */
        private void logDrops() {
            StringBuilder summary = new StringBuilder();
            long total = 0;
            for (DropReason reason : DropReason.values()) {
                long n = packager.droppedUnits(reason);
                if (n > 0) {
                    total += n;
                    summary.append(summary.length() == 0 ? "" : ", ").append(reason).append('=').append(n);
                }
            }
            if (total > 0) {
                log.info("{} {} media units were not packaged: {}", info.logId(), total, summary);
            }
        }

        @Override
        public void onVideo(long timestampMillis, ByteBuf body) {
            packager.onVideoTag(timestampMillis, body);
        }

        @Override
        public void onAudio(long timestampMillis, ByteBuf body) {
            packager.onAudioTag(timestampMillis, body);
        }

        @Override
        public void onPublishEnd(EndReason reason) {
            try {
                packager.finish();
                logDrops();
            } finally {
                CompletableFuture<Void> end = recordEnd(info, output, lease, historyId, clock.instant());
                endsInFlight.add(end);
                end.whenComplete((v, e) -> endsInFlight.remove(end));
                leases.ended(lease, end);
                log.debug("{} packaging finished ({}), next media sequence {}", info.logId(), reason,
                        packager.playlistState().nextMediaSequence());
            }
        }
    }
}
