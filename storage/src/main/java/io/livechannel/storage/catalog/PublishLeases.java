package io.livechannel.storage.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One publisher per channel across every node sharing the catalog: a lease row per channel names the node that
 * holds it, an epoch that grows by one whenever the channel changes hands, and an expiry on the DATABASE's clock
 * (node clocks may differ). The holder renews all its leases with one {@link #heartbeat} per interval; a node that
 * stops renewing loses them once they expire. Every catalog write of a live publish carries the epoch it holds
 * ({@link #verify}), so a node that lost a channel cannot overwrite the new holder's rows.
 *
 * <p>Released rows are kept (owner null) with their epoch: the releasing publish's last writes still verify, and
 * the next holder's epoch is higher. Threading: thread-safe; every call blocks on the database.
 */
public interface PublishLeases {
    /**
     * Takes the channel for {@code node}, in one transaction: a new or released row, a row whose lease expired
     * (its owner is gone: {@link Previous#expired()}), or one whose publisher sent nothing for {@code idleTimeout}
     * is taken with the epoch raised by one. A row {@code node} already holds at {@code heldEpoch} is renewed
     * and keeps its epoch (the node's own publishes of the channel follow each other under one lease).
     *
     * @param heldEpoch the epoch this node holds the channel at, or 0 when it holds none
     */
    Acquisition acquire(String bucket, String channel, String node, long heldEpoch, Duration ttl,
                        Duration idleTimeout);

    /** Gives the channel up if {@code node} still holds it at {@code epoch}; the epoch stays for fencing. */
    boolean release(String bucket, String channel, String node, long epoch);

    /**
     * Renews every lease in {@code renewals} that {@code node} still holds at the given epoch (expiry: now +
     * {@code ttl} on the database's clock), and stores each one's last activity and statistics. One statement.
     *
     * @return the leases this node must give up: lost to another node (or released by a sweeper), or whose
     *     channel is now disabled or deleted; empty when all is well
     */
    List<LostLease> heartbeat(String node, Duration ttl, List<Renewal> renewals);

    /**
     * Throws {@link LeaseLostException} unless the channel's lease is at {@code epoch}. Called inside the
     * transaction of a live-path write, which it thereby fences.
     */
    void verify(String bucket, String channel, long epoch);

    /** The channel's lease row, or empty when it never had one. */
    Optional<LeaseRecord> find(String bucket, String channel);

    /**
     * Asks whichever node publishes the channel to end that publish (it was disabled here), through the catalog's
     * change notices ({@link CatalogChangeListener.Kind#PUBLISH_KICK}) where it has them; a no-op on SQLite. The
     * holder's heartbeat, which reports the channel's status, is the path that never misses.
     */
    void requestKick(String bucket, String channel);

    /** Leases that expired while held (their owners stopped renewing), oldest first, at most {@code limit}. */
    List<LeaseRecord> expired(int limit);

    /**
     * A node starting: leases held under its id belong to a previous run of it, which is gone. Expires them so
     * that they are taken over (and the channels recovered) at once rather than after their expiry.
     *
     * @return how many were expired
     */
    int expireAllOf(String node);

    /** The single-node catalog at start: releases every lease (the previous run's; nobody else can hold one). */
    int releaseAll();

    /** The outcome of {@link #acquire}. */
    sealed interface Acquisition {
    }

    /**
     * The channel is {@code node}'s at {@code epoch}.
     *
     * @param previous who held it before, or null when the row was new, released or already this node's
     */
    record Granted(long epoch, Previous previous) implements Acquisition {
    }

    /** Another node holds a live lease with an active publisher. */
    record Held(String owner) implements Acquisition {
        public Held {
            Objects.requireNonNull(owner, "owner");
        }
    }

    /**
     * The holder a {@link Granted} took the channel from.
     *
     * @param expired true when its lease had expired (the owner is gone and left its publish unfinished), false
     *     when it was alive but its publisher silent for the idle timeout (it ends that publish itself)
     */
    record Previous(String owner, long epoch, boolean expired) {
    }

    /**
     * One held lease to renew.
     *
     * @param idleMillis how long ago its publisher last sent anything (the database computes last activity from
     *     it on its own clock)
     * @param stats the publisher's statistics as text for other nodes' GetLiveChannelStat, or null
     */
    record Renewal(String bucket, String channel, long epoch, long idleMillis, String stats) {
    }

    /** Why a heartbeat gives a lease up. */
    enum LossReason {
        /** Another node (or a sweeper) took it: the epoch moved on. */
        TAKEN_OVER,
        /** The channel was disabled. */
        CHANNEL_DISABLED,
        /** The channel was deleted. */
        CHANNEL_DELETED
    }

    /** A lease that {@link #heartbeat} says to give up. */
    record LostLease(String bucket, String channel, long epoch, LossReason reason) {
    }

    /**
     * A lease row as stored.
     *
     * @param owner the node holding it, or null when released
     * @param live true when held and not expired (on the database's clock)
     * @param idleMillis how long before the read its publisher last sent anything (database clock)
     * @param stats the holder's last published statistics, or null
     */
    record LeaseRecord(String bucket, String channel, String owner, long epoch, boolean live, long idleMillis,
                       String stats) {
    }
}
