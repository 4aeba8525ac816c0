package io.livechannel.server.ingest;

import io.livechannel.rtmp.EndReason;
import io.livechannel.rtmp.session.PublisherRegistry;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.catalog.CatalogChangeListener;
import io.livechannel.storage.catalog.CatalogException;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.MetadataStore;
import io.livechannel.storage.catalog.PublishLeases;
import io.livechannel.storage.catalog.PublishLeases.Granted;
import io.livechannel.storage.catalog.PublishLeases.Held;
import io.livechannel.storage.write.WriteFence;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's publish leases ({@link PublishLeases}): taken at admission, held while any of this node's publishes
 * of the channel runs or its last catalog writes are queued, released after those writes are committed (so the next
 * holder reads the counters they saved). The node's own publishes of a channel follow each other under one lease
 * and one epoch; {@link PublisherRegistry} keeps the one-publisher rule between them, as in a single process.
 *
 * <p>Each publish gets a {@link Lease}: the epoch its catalog writes carry ({@link PublishLeases#verify}), and
 * {@link Lease#valid()}, checked before each playlist is stored: false once the lease was lost, or, on a shared
 * catalog, once the local deadline passed (the start of the last renewal that covered it + TTL − margin, on this
 * node's monotonic clock), so a node that cannot renew stops writing before another node may take the channel.
 * On the single-node catalog nobody else can take a lease, so it has no deadline and no heartbeat.
 *
 * <p>Threading: {@link #admit} blocks on the catalog (storage executor); {@link #bind} and {@link Lease#valid} are
 * non-blocking (event loop); releases run on the storage executor.
 */
public final class ChannelLeases {
    private static final Logger log = LoggerFactory.getLogger(ChannelLeases.class);
    /** How long an admitted publish may take to start (including waiting for an idle one it replaces to end). */
    static final Duration ADMISSION_GRACE = Duration.ofSeconds(10);

    /**
     * @param nodeId   this node's name in lease rows; unique among the nodes sharing the catalog
     * @param shared   whether other nodes share the catalog (then leases expire and have local deadlines)
     * @param ttl      how long a lease lives after its last renewal, on the database's clock
     * @param margin   how long before {@code ttl} runs out (on this node's clock) this node stops writing playlists
     * @param idleTimeout a lease whose publisher sent nothing for this long is taken by another node's publisher
     */
    public record Settings(String nodeId, boolean shared, Duration ttl, Duration margin, Duration idleTimeout) {
        public Settings {
            Objects.requireNonNull(nodeId, "nodeId");
            if (margin.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("lease margin " + margin + " must be below its TTL " + ttl);
            }
        }
    }

    /** This node's hold on one channel; one object per epoch, shared by the node's publishes of the channel. */
    static final class Hold {
        final ChannelKey key;
        final long epoch;
        /** {@link System#nanoTime()} before the statement that took or last renewed it alone (an admission). */
        volatile long renewedNanos;
        volatile boolean lost;
        /** Guarded by this: publishes bound and not yet finished writing. */
        private int publishes;
        /** Guarded by this: admissions whose publish has not started ({@link #bind}) yet. */
        private int admissions = 1;
        /** Guarded by this: {@link System#nanoTime()} of the last admission. */
        private long admittedNanos;
        /** Wall-clock millis since when no publish of this node has been active on it. */
        volatile long quietSinceMillis;

        Hold(ChannelKey key, long epoch, long nowNanos, long nowMillis) {
            this.key = key;
            this.epoch = epoch;
            this.renewedNanos = nowNanos;
            this.admittedNanos = nowNanos;
            this.quietSinceMillis = nowMillis;
        }

        /** For tests: as if the last admission was {@code ago}. */
        synchronized void admittedAgo(Duration ago) {
            admittedNanos = System.nanoTime() - ago.toNanos();
        }

        /**
         * Whether a publish of this node runs on it, or was admitted and may still start (within the grace): a
         * publish that ended with nothing admitted behind it lets the lease go at once, so that a publisher
         * reconnecting through another node is not refused.
         */
        synchronized boolean inUse(long nowNanos) {
            return publishes > 0 || admissions > 0 && nowNanos - admittedNanos < ADMISSION_GRACE.toNanos();
        }
    }

    /** One publish's lease: the epoch its writes carry, and whether it may still write. */
    public final class Lease {
        private final Hold hold;

        private Lease(Hold hold) {
            this.hold = hold;
        }

        public long epoch() {
            return hold.epoch;
        }

        /** False once the lease was lost or (shared catalog) its local deadline passed; non-blocking. */
        public boolean valid() {
            if (hold.lost) {
                return false;
            }
            if (!settings.shared()) {
                return true;
            }
            long renewed = Math.max(hold.renewedNanos, lastHeartbeatNanos);
            return System.nanoTime() - renewed < settings.ttl().minus(settings.margin()).toNanos();
        }

        /** Ends this node's publish of the channel: the lease is gone (kicked with {@link EndReason#LEASE_LOST}). */
        public void endPublish() {
            registry.kick(hold.key.bucket(), hold.key.channel(), EndReason.LEASE_LOST);
        }
    }

    /** Prefix of a playlist write's fence token: {@code lease <epoch> <bucket>/<channel>}. */
    private static final String FENCE_PREFIX = "lease ";

    /**
     * The fence of a playlist write of {@code lease}'s publish: checked in the write queue's lane just before the
     * put ({@link Lease#valid()}); its token names the channel and epoch for a spooled write's next run
     * ({@link #recoveredFenceHolds}).
     */
    static WriteFence fence(ChannelKey key, Lease lease) {
        return WriteFence.of(FENCE_PREFIX + lease.epoch() + " " + key.bucket() + "/" + key.channel(), lease::valid);
    }

    /**
     * Whether a playlist write spooled by an earlier run under the fence {@code token} may still be stored: the
     * channel's lease is still at the epoch it was written under (nobody took the channel over since, so nobody
     * wrote a newer playlist). Blocks on the catalog; throws when it cannot be read (the write is retried later).
     */
    public static boolean recoveredFenceHolds(MetadataStore metadata, String token) {
        int space = token.indexOf(' ', FENCE_PREFIX.length());
        int slash = token.indexOf('/', space + 1);
        if (!token.startsWith(FENCE_PREFIX) || space < 0 || slash < 0) {
            log.warn("spooled write with an unknown fence {}: not stored", token);
            return false;
        }
        long epoch;
        try {
            epoch = Long.parseLong(token.substring(FENCE_PREFIX.length(), space));
        } catch (NumberFormatException e) {
            log.warn("spooled write with an unknown fence {}: not stored", token);
            return false;
        }
        return metadata.leases().find(token.substring(space + 1, slash), token.substring(slash + 1))
                .map(r -> r.epoch() == epoch).orElse(false);
    }

    /** The outcome of {@link #admit}. */
    sealed interface Admission {
    }

    /**
     * The channel is this node's.
     *
     * @param changedHands the epoch is new (counters saved meanwhile by another holder must be read again)
     * @param previous the holder it was taken from, or null
     */
    record Admitted(boolean changedHands, PublishLeases.Previous previous) implements Admission {
    }

    /** Another node publishes the channel. */
    record Refused(String owner) implements Admission {
    }

    private final Settings settings;
    private final MetadataStore metadata;
    private final UncleanStopRecovery recovery;
    private final PublisherRegistry registry;
    private final Executor storageExecutor;
    private final Clock clock;
    final ConcurrentMap<ChannelKey, Hold> holds = new ConcurrentHashMap<>();
    /** {@link System#nanoTime()} before the last heartbeat that succeeded; see {@link Lease#valid}. */
    volatile long lastHeartbeatNanos;

    /**
     * @param objects where a dead holder's live playlist is read and ended when its channel is taken over
     */
    public ChannelLeases(Settings settings, MetadataStore metadata, ObjectStore objects, PublisherRegistry registry,
                         Executor storageExecutor, Clock clock) {
        this.settings = settings;
        this.metadata = metadata;
        this.recovery = new UncleanStopRecovery(objects, metadata);
        this.registry = registry;
        this.storageExecutor = storageExecutor;
        this.clock = clock;
        this.lastHeartbeatNanos = System.nanoTime() - settings.ttl().toNanos();
    }

    Settings settings() {
        return settings;
    }

    /**
     * Takes (or keeps) the channel's lease for a publish about to be admitted. Blocks on the catalog.
     *
     * @throws CatalogException when the catalog cannot be reached (the publish is then refused)
     */
    Admission admit(ChannelKey key) {
        long start = System.nanoTime();
        Hold current = holds.get(key);
        long heldEpoch = 0;
        if (current != null) {
            synchronized (current) { // marked in use first, so that a release cannot slip in behind the acquire
                current.admittedNanos = start;
                current.admissions++;
                heldEpoch = current.lost || holds.get(key) != current ? 0 : current.epoch;
            }
        }
        PublishLeases.Acquisition result = metadata.leases().acquire(key.bucket(), key.channel(),
                settings.nodeId(), heldEpoch, settings.ttl(), settings.idleTimeout());
        if (result instanceof Held held) {
            if (current != null) {
                synchronized (current) {
                    current.admissions--;
                }
            }
            return new Refused(held.owner());
        }
        Granted granted = (Granted) result;
        if (granted.previous() != null && granted.previous().expired()) {
            recover(key, granted.previous()); // throws when it cannot: the lease then expires again, unrecovered
        }
        Hold hold = holds.compute(key, (k, h) -> h != null && h.epoch == granted.epoch() && !h.lost ? h
                : new Hold(k, granted.epoch(), start, clock.millis()));
        hold.renewedNanos = Math.max(hold.renewedNanos, start);
        if (current != null && current != hold) {
            current.lost = true; // an epoch of ours that ended without our noticing (a previous run, or expiry)
        }
        return new Admitted(granted.epoch() != heldEpoch, granted.previous());
    }

    /**
     * Ends what the dead holder {@code previous} left unfinished on the channel, as a start after an unclean stop
     * does for every channel ({@link UncleanStopRecovery}): the segments its last stored playlist lists are indexed,
     * the counters raised past them, the playlist ended and the push record closed. Blocks on store and catalog.
     *
     * @throws CatalogException when the store or catalog failed (the channel is then left for the next taker)
     */
    private void recover(ChannelKey key, PublishLeases.Previous previous) {
        Optional<Channel> channel = metadata.channels().find(key.bucket(), key.channel());
        if (channel.isEmpty()) {
            return; // deleted: no playlist name to end, and no publish of it will follow
        }
        try {
            recovery.recover(channel.get());
            log.info("channel {}/{} taken over from {} (epoch {}), whose lease had expired: its publish was ended",
                    key.bucket(), key.channel(), previous.owner(), previous.epoch());
        } catch (IllegalArgumentException e) { // not a playlist we wrote: nothing to learn from it
            log.warn("channel {}/{} taken over from {}: its playlist was left alone: {}", key.bucket(),
                    key.channel(), previous.owner(), e.toString());
        } catch (StorageException | IOException e) {
            throw new CatalogException("taking " + key.bucket() + "/" + key.channel() + " over from "
                    + previous.owner() + ": its playlist could not be read or ended: " + e.getMessage(), e);
        }
    }

    /**
     * Takes over, recovers and releases leases that expired while held and that nobody took (their channels'
     * publishers did not come back). Every node sweeps; the lease row decides which one does each channel.
     */
    private void sweep() {
        for (PublishLeases.LeaseRecord expired : metadata.leases().expired(SWEEP_LIMIT)) {
            ChannelKey key = new ChannelKey(expired.bucket(), expired.channel());
            if (holds.containsKey(key)) {
                continue; // ours: renewed by this round or being taken by an admission
            }
            PublishLeases.Acquisition taken = metadata.leases().acquire(key.bucket(), key.channel(),
                    settings.nodeId(), 0, settings.ttl(), settings.idleTimeout());
            if (taken instanceof Granted granted && granted.previous() != null && granted.previous().expired()) {
                try {
                    recover(key, granted.previous());
                } catch (CatalogException e) {
                    log.warn("{} (left to expire and be tried again)", e.getMessage());
                    continue;
                }
                metadata.leases().release(key.bucket(), key.channel(), settings.nodeId(), granted.epoch());
            } else if (taken instanceof Granted granted) { // released meanwhile: nothing to recover
                metadata.leases().release(key.bucket(), key.channel(), settings.nodeId(), granted.epoch());
            }
        }
    }

    /** The most expired leases one heartbeat round takes over. */
    static final int SWEEP_LIMIT = 16;

    /**
     * The channel's lease when another node publishes it (shared catalog only; empty on the single-node one).
     * Blocks on the catalog.
     */
    Optional<PublishLeases.LeaseRecord> publishedElsewhere(ChannelKey key) {
        if (!settings.shared()) {
            return Optional.empty();
        }
        return metadata.leases().find(key.bucket(), key.channel())
                .filter(r -> r.live() && !settings.nodeId().equals(r.owner()));
    }

    /**
     * Asks the node publishing the channel to end its publish (the channel was disabled or deleted here). Without a
     * notification channel this does nothing: the owner's next heartbeat reports the channel's new status.
     */
    void kickElsewhere(ChannelKey key) {
        if (settings.shared()) {
            metadata.leases().requestKick(key.bucket(), key.channel());
        }
    }

    /** Ends this node's publish of a channel another node asked to kick ({@link #kickElsewhere}). */
    private final class KickListener implements CatalogChangeListener {
        @Override
        public void changed(Kind kind, String name) {
            int slash = name.indexOf('/');
            if (kind == Kind.PUBLISH_KICK && slash > 0) {
                registry.kick(name.substring(0, slash), name.substring(slash + 1));
            }
        }

        @Override
        public void listening(boolean listening) {
            // while notices are not heard, the heartbeat still reports disabled channels
        }
    }

    /** The lease of a publish that starts now, after {@link #admit}; non-blocking. */
    Lease bind(ChannelKey key) {
        Hold hold = holds.get(key);
        if (hold == null) { // released between admission and start: only after a start slower than the grace
            log.error("publish of {}/{} starts without its lease (admitted over {} ago); it ends at its first "
                    + "playlist", key.bucket(), key.channel(), ADMISSION_GRACE);
            Hold none = new Hold(key, 0, System.nanoTime(), clock.millis());
            none.lost = true;
            return new Lease(none);
        }
        synchronized (hold) {
            hold.publishes++;
            hold.admissions = Math.max(0, hold.admissions - 1);
        }
        renewSoon();
        return new Lease(hold);
    }

    /**
     * Runs a heartbeat round now rather than at the next interval, so that the new publish's statistics are in its
     * lease row at once: until they are, other nodes cannot answer GetLiveChannelStat with Live.
     */
    private void renewSoon() {
        ScheduledExecutorService thread = heartbeats;
        if (thread != null) {
            try {
                thread.execute(this::heartbeatRound);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down: nothing to publish
            }
        }
    }

    private void heartbeatRound() {
        try {
            heartbeat();
        } catch (RuntimeException e) { // a failed round must not end the schedule
            log.error("lease heartbeat round failed", e);
        }
    }

    /**
     * A publish ended; once {@code writesDone} completes (its last catalog writes are committed, or failed), the
     * lease is released unless another publish of this node holds or was just admitted to it.
     */
    void ended(Lease lease, CompletableFuture<?> writesDone) {
        writesDone.whenComplete((v, e) -> {
            Hold hold = lease.hold;
            synchronized (hold) {
                hold.publishes--;
            }
            hold.quietSinceMillis = clock.millis();
            try {
                storageExecutor.execute(() -> releaseIfUnused(hold));
            } catch (RejectedExecutionException stopping) {
                log.debug("lease of {}/{} left to expire: the catalog executor is stopping", hold.key.bucket(),
                        hold.key.channel());
            }
        });
    }

    /** Releases {@code hold} unless in use; blocks on the catalog. */
    void releaseIfUnused(Hold hold) {
        synchronized (hold) {
            if (hold.inUse(System.nanoTime()) || holds.get(hold.key) != hold) {
                return;
            }
            try {
                if (!hold.lost) {
                    metadata.leases().release(hold.key.bucket(), hold.key.channel(), settings.nodeId(), hold.epoch);
                }
                holds.remove(hold.key, hold);
            } catch (CatalogException e) {
                log.warn("lease of {}/{} not released (it expires, or the next heartbeat retries): {}",
                        hold.key.bucket(), hold.key.channel(), e.toString());
            }
        }
    }

    /**
     * One heartbeat round on a shared catalog: renews every lease this node holds in one statement (with each
     * publisher's last activity and statistics), gives up and kicks what was taken over, kicks publishers of
     * channels now disabled or deleted, and releases holds no publish uses any more. When the catalog cannot be
     * reached, publishes whose lease deadline passed are ended. Blocks on the catalog; one thread at a time.
     */
    void heartbeat() {
        long start = System.nanoTime();
        long nowMillis = clock.millis();
        List<PublishLeases.Renewal> renewals = new ArrayList<>();
        for (Hold h : holds.values()) {
            if (!h.lost) {
                String b = h.key.bucket();
                String c = h.key.channel();
                OptionalLong last = registry.lastActivityMillis(b, c);
                long idle = nowMillis - (last.isPresent() ? last.getAsLong() : h.quietSinceMillis);
                renewals.add(new PublishLeases.Renewal(b, c, h.epoch, idle,
                        registry.stats(b, c).map(PublishStatsText::format).orElse(null)));
            }
        }
        List<PublishLeases.LostLease> lost;
        try {
            lost = metadata.leases().heartbeat(settings.nodeId(), settings.ttl(), renewals);
            lastHeartbeatNanos = start;
        } catch (CatalogException e) {
            endPublishesPastDeadline(e);
            return;
        }
        for (PublishLeases.LostLease l : lost) {
            ChannelKey key = new ChannelKey(l.bucket(), l.channel());
            Hold h = holds.get(key);
            if (h == null || h.epoch != l.epoch()) {
                continue;
            }
            if (l.reason() == PublishLeases.LossReason.TAKEN_OVER) {
                h.lost = true;
                holds.remove(key, h);
                log.warn("lease of {}/{} (epoch {}) was taken over by another node: ending its publish here",
                        l.bucket(), l.channel(), l.epoch());
                registry.kick(l.bucket(), l.channel(), EndReason.LEASE_LOST);
            } else {
                registry.kick(l.bucket(), l.channel()); // disabled or deleted on another node
            }
        }
        holds.values().forEach(this::releaseIfUnused);
        try {
            sweep();
            heartbeatFailures = 0;
        } catch (CatalogException e) { // a node holding no lease renews nothing: the sweep meets an outage first
            endPublishesPastDeadline(e);
        }
    }

    private void endPublishesPastDeadline(CatalogException cause) {
        int ended = 0;
        for (Hold h : holds.values()) {
            if (!new Lease(h).valid() && registry.isLive(h.key.bucket(), h.key.channel())) {
                registry.kick(h.key.bucket(), h.key.channel(), EndReason.LEASE_LOST);
                ended++;
            }
        }
        if (ended > 0 || heartbeatFailures++ % 10 == 0) { // one line per 10 s while the catalog stays away
            log.warn("lease heartbeat failed ({} publishes ended: their leases may have expired): {}", ended,
                    cause.toString());
        }
    }

    /** Rounds that failed in a row; the heartbeat thread's alone. */
    private long heartbeatFailures;

    /** Starts the heartbeat thread on a shared catalog (nothing on the single-node one). */
    public void start(Duration interval) {
        if (!settings.shared()) {
            return;
        }
        metadata.subscribe(new KickListener());
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleWithFixedDelay(this::heartbeatRound, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private volatile ScheduledExecutorService heartbeats;

    /**
     * Stops the heartbeat and releases every lease still held (call after the publishes ended and their catalog
     * writes were committed). Blocks on the catalog.
     */
    public void close() {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        for (Hold h : holds.values()) {
            if (!h.lost) {
                try {
                    metadata.leases().release(h.key.bucket(), h.key.channel(), settings.nodeId(), h.epoch);
                } catch (CatalogException e) {
                    log.warn("lease of {}/{} not released at shutdown (it expires): {}", h.key.bucket(),
                            h.key.channel(), e.toString());
                }
            }
        }
        holds.clear();
    }
}
