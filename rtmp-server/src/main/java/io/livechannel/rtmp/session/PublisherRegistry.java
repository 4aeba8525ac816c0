package io.livechannel.rtmp.session;

import io.livechannel.rtmp.EndReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The live publishers of the whole server: at most one per (bucket, channel). The only holder of state shared
 * between connections; one instance per server, shared by the RTMP port and the HTTP port.
 *
 * <p>Rules it keeps:
 * <ol>
 *   <li>A second publisher is refused while the first is alive ({@code claim} answers busy).</li>
 *   <li>A publisher that has received nothing for the idle-publisher timeout ({@code RtmpLimits}) counts as dead:
 *       a new claim replaces it, the old one ends with {@link EndReason#REPLACED_IDLE}, and the new publish
 *       starts only after the old one's end was delivered (so the packager sees end, then start).</li>
 *   <li>{@link #kick} disconnects the publisher at once (the request is queued on its event loop).</li>
 *   <li>After {@link #closeAll} every claim is refused.</li>
 * </ol>
 *
 * <p>Threading: every method is thread-safe and non-blocking. The futures returned complete on the publisher's
 * event loop; don't block in their callbacks.
 */
public final class PublisherRegistry {
    private final ConcurrentMap<ChannelKey, Publisher> live = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** Whether (bucket, channel) has a publisher right now (includes one being disconnected). */
    public boolean isLive(String bucket, String channel) {
        return live.containsKey(new ChannelKey(bucket, channel));
    }

    /** The live publisher's statistics, refreshed about once a second; empty when the channel is idle. */
    public Optional<PublishStats> stats(String bucket, String channel) {
        Publisher p = live.get(new ChannelKey(bucket, channel));
        return p == null ? Optional.empty() : Optional.of(p.stats());
    }

    /**
     * Disconnects the channel's publisher (the channel was disabled or deleted): it gets an {@code onStatus}
     * {@code NetStream.Publish.Denied}, its sink gets {@link EndReason#KICKED}, the connection closes.
     *
     * @return completes with true once the publisher's end was delivered, or at once with false when idle
     */
    public CompletableFuture<Boolean> kick(String bucket, String channel) {
        return kick(bucket, channel, EndReason.KICKED);
    }

    /** As {@link #kick(String, String)}, ending the publish with {@code reason}. */
    public CompletableFuture<Boolean> kick(String bucket, String channel, EndReason reason) {
        Publisher p = live.get(new ChannelKey(bucket, channel));
        if (p == null) {
            return CompletableFuture.completedFuture(false);
        }
        p.kick(reason);
        return p.ended().thenApply(v -> true);
    }

    /** Wall-clock millis of the last message from the channel's live publisher; empty when the channel is idle. */
    public OptionalLong lastActivityMillis(String bucket, String channel) {
        Publisher p = live.get(new ChannelKey(bucket, channel));
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.lastActivityMillis());
    }

    /**
     * Server shutdown: refuses new publishers and ends every live publish with {@link EndReason#SERVER_SHUTDOWN}
     * (sinks get a normal end, so the packager finishes the last segment).
     *
     * @return completes when every end was delivered; wait on it (with a timeout) before stopping storage
     */
    public CompletableFuture<Void> closeAll() {
        closing = true;
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        for (Publisher p : live.values()) {
            p.kick(EndReason.SERVER_SHUTDOWN);
            ends.add(p.ended());
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
    }

    /** How many channels are live. */
    public int liveCount() {
        return live.size();
    }

    /**
     * Claims (bucket, channel) for {@code candidate}.
     *
     * @param nowMillis the candidate's clock, compared with {@link Publisher#lastActivityMillis()}
     * @param idleTimeoutMillis a publisher silent for at least this long is replaced
     */
    Claim claim(String bucket, String channel, Publisher candidate, long nowMillis, long idleTimeoutMillis) {
        Objects.requireNonNull(candidate, "candidate");
        if (closing) {
            return new Claim.Busy("server is shutting down");
        }
        ChannelKey key = new ChannelKey(bucket, channel);
        Publisher[] replaced = new Publisher[1];
        Publisher winner = live.compute(key, (k, current) -> {
            if (current == null || current == candidate) {
                return candidate;
            }
            if (nowMillis - current.lastActivityMillis() >= idleTimeoutMillis) {
                replaced[0] = current;
                return candidate;
            }
            return current;
        });
        if (winner != candidate) {
            return new Claim.Busy("channel already has a live publisher");
        }
        if (closing) {
            live.remove(key, candidate);
            return new Claim.Busy("server is shutting down");
        }
        if (replaced[0] != null) {
            replaced[0].kick(EndReason.REPLACED_IDLE);
            return new Claim.Granted(replaced[0].ended(), replaced[0].logId());
        }
        return new Claim.Granted(CompletableFuture.completedFuture(null), null);
    }

    /** Gives the channel up, if {@code publisher} still holds it. */
    void release(String bucket, String channel, Publisher publisher) {
        live.remove(new ChannelKey(bucket, channel), publisher);
    }

    private record ChannelKey(String bucket, String channel) {
        ChannelKey {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(channel, "channel");
        }
    }

    /** What the registry needs of a publishing session. */
    interface Publisher {
        /** Wall-clock millis of the last message received; read from any thread. */
        long lastActivityMillis();

        /** Ends the publish with {@code reason} and closes the connection; thread-safe, returns at once. */
        void kick(EndReason reason);

        /** Completes after the sink's {@code onPublishEnd} returned. */
        CompletableFuture<Void> ended();

        PublishStats stats();

        String logId();
    }

    /** Result of {@link #claim}. */
    sealed interface Claim {
        /**
         * The channel is ours.
         *
         * @param previousEnded completes when the replaced idle publisher (if any) has ended
         * @param replacedLogId the replaced publisher's log id, or null
         */
        record Granted(CompletableFuture<Void> previousEnded, String replacedLogId) implements Claim {
        }

        /** The channel has a live publisher (or the server is stopping). */
        record Busy(String reason) implements Claim {
        }
    }
}
