package io.livechannel.server.snapshot;

import io.livechannel.api.FailureLogThrottle;
import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.catalog.ChannelCatalog;
import io.livechannel.storage.catalog.Snapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the snapshots of every publish whose channel has a {@code <Snapshot>}: decodes the picked keyframes
 * ({@link SnapshotTaker}) into JPEGs on its own threads, stores each as {@code <channel>/<epochMillis>.jpg} in the
 * channel's DestBucket ({@code Content-Type: image/jpeg}) and announces it through the optional
 * {@link SnapshotWebhook}.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><td>{@code snapshot-N} threads</td><td>a quarter of the cores, at least 1 ({@link #THREADS})</td></tr>
 *   <tr><td>snapshots waiting</td><td>{@value #MAX_QUEUED} and {@value #MAX_QUEUED_BYTES} bytes of keyframes;
 *       past either, a snapshot is skipped and counted</td></tr>
 * </table>
 * Snapshots never slow ingest: the event loop only copies a picked keyframe and offers it; a full queue skips it.
 *
 * <p>The decoder ({@link LibavJpegEncoder}) is loaded on a snapshot thread when the first publish of a channel with
 * a Snapshot is admitted. When it cannot be (no FFmpeg build
 * for this platform in the jar, or its libraries fail to load), snapshots are off: one WARN line says why, one more
 * per channel that asks for them, {@link #offReason()} is what GetLiveChannelStat shows, and the gauge
 * {@code livechannel.snapshots.available} is 0. Channel settings are still stored and echoed.
 *
 * <p>Threading: {@link #admitted} on the catalog executor, {@link #start} and the takers on event loops; all
 * thread-safe.
 */
public final class Snapshots implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);
    static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    static final int MAX_QUEUED = 16;
    static final long MAX_QUEUED_BYTES = 32L << 20;
    static final PutOptions JPEG = PutOptions.liveOutput("image/jpeg");

    private final ObjectStore objects;
    private final Clock clock;
    private final SnapshotWebhook webhook;
    private final ThreadPoolExecutor pool;
    private final EncoderLoader encoders;
    /** Each admitted channel's Snapshot settings as the catalog had them at admission; absent: none. */
    private final ConcurrentMap<String, Snapshot> admitted = new ConcurrentHashMap<>();
    private final Set<String> warnedChannels = ConcurrentHashMap.newKeySet();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean loadStarted = new AtomicBoolean();
    private final FailureLogThrottle failureLog;
    private final Counter stored;
    private final Counter skipped;
    private final Counter failed;
    private final Counter noKeyframe;

    /**
     * @param webhook where stored snapshots are announced, or {@code null}
     * @param encoders loads the decoder when first needed ({@link LibavJpegEncoder#load} in the server)
     */
    Snapshots(ObjectStore objects, Clock clock, MeterRegistry meters, SnapshotWebhook webhook, EncoderLoader encoders) {
        this.objects = objects;
        this.clock = clock;
        this.webhook = webhook;
        this.encoders = encoders;
        this.failureLog = new FailureLogThrottle(clock);
        AtomicInteger threadIds = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
                    Thread t = new Thread(r, "snapshot-" + threadIds.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.stored = result(meters, "stored", "snapshots stored");
        this.skipped = result(meters, "skipped", "snapshots skipped: the snapshot queue was full");
        this.failed = result(meters, "failed", "snapshots that did not decode, encode or store (logged)");
        this.noKeyframe = result(meters, "no_keyframe", "snapshot intervals without a keyframe: no snapshot");
        Gauge.builder("livechannel.snapshots.available", this, s -> s.offReason().isPresent() ? 0 : 1)
                .description("1 while snapshots can be taken, 0 when the decoder is unavailable").register(meters);
    }

    /**
     * The server's snapshots: the in-process FFmpeg decoder, loaded when first needed. Logs one WARN line now
     * when this platform has no FFmpeg build in the jar.
     */
    public static Snapshots start(ObjectStore objects, Clock clock, MeterRegistry meters, SnapshotWebhook webhook) {
        Snapshots snapshots = new Snapshots(objects, clock, meters, webhook, EncoderLoader.libav());
        snapshots.offReason().ifPresent(reason -> log.warn("snapshots are off: {}; channels' Snapshot settings are "
                + "stored and echoed, but no snapshot is taken", reason));
        return snapshots;
    }

    private static Counter result(MeterRegistry meters, String result, String description) {
        return Counter.builder("livechannel.snapshots").tag("result", result).description(description)
                .register(meters);
    }

    /** Why snapshots are not taken, or empty when they are (or will be, once the decoder has loaded). */
    public Optional<String> offReason() {
        return encoders.failure();
    }

    /** A publish was admitted: remembers the channel's Snapshot settings for {@link #start}. Blocks: catalog only. */
    public void admitted(String bucket, String channel, ChannelCatalog channels) {
        Optional<Snapshot> config = channels.find(bucket, channel).map(c -> c.snapshot());
        if (config.isPresent()) {
            admitted.put(key(bucket, channel), config.get());
            if (loadStarted.compareAndSet(false, true)) {
                loadEncoder(); // loading takes seconds the first time: start before the first keyframe arrives
            }
        } else {
            admitted.remove(key(bucket, channel));
        }
    }

    private void loadEncoder() {
        try {
            pool.execute(() -> {
                try {
                    encoders.get();
                } catch (IOException e) {
                    // logged by the loader; snapshots are off from now on
                }
            });
        } catch (RejectedExecutionException full) {
            // the first snapshot loads it instead
        }
    }

    /**
     * A publish starts: its taker, or {@code null} when the channel has no Snapshot or snapshots are off (then one
     * WARN line per channel says so).
     */
    public SnapshotTaker start(String bucket, String channel, String logId) {
        Snapshot config = admitted.get(key(bucket, channel));
        if (config == null) {
            return null;
        }
        Optional<String> off = offReason();
        if (off.isPresent()) {
            if (warnedChannels.add(key(bucket, channel))) {
                log.warn("{} LiveChannel {}/{} has a Snapshot, but snapshots are off: {}", logId, bucket, channel,
                        off.get());
            }
            return null;
        }
        return new SnapshotTaker(this, bucket, channel, config, logId);
    }

    long wallClockMillis() {
        return clock.millis();
    }

    void windowsWithoutKeyframe(long windows) {
        noKeyframe.increment(windows);
    }

    /** Queues a snapshot, or skips it (counted) when the queue is full; never blocks. */
    void submit(SnapshotTaker.Request request) {
        long bytes = request.annexB().length;
        if (queuedBytes.addAndGet(bytes) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-bytes);
            skip(request);
            return;
        }
        try {
            pool.execute(() -> {
                queuedBytes.addAndGet(-bytes);
                take(request);
            });
        } catch (RejectedExecutionException full) {
            queuedBytes.addAndGet(-bytes);
            skip(request);
        }
    }

    private void skip(SnapshotTaker.Request request) {
        skipped.increment();
        long held = failureLog.admit();
        if (held >= 0) {
            log.warn("{} snapshot skipped: {} snapshots are waiting already ({} similar lines held back)",
                    request.logId(), pool.getQueue().size(), held);
        }
    }

    private void take(SnapshotTaker.Request request) {
        String key = request.channel() + "/" + request.timeMillis() + ".jpg";
        String destBucket = request.config().destBucket();
        JpegEncoder.Jpeg jpeg;
        try {
            jpeg = encoders.get().encode(request.annexB());
            objects.put(destBucket, key, jpeg.bytes(), JPEG);
        } catch (IOException | StorageException | RuntimeException e) {
            failed.increment();
            long held = failureLog.admit();
            if (held >= 0) {
                log.warn("{} snapshot {}/{} not taken: {} ({} similar lines held back)", request.logId(), destBucket,
                        key, e.getMessage(), held);
            }
            return;
        }
        stored.increment();
        log.debug("{} snapshot {}/{} stored ({}x{}, {} bytes)", request.logId(), destBucket, key, jpeg.width(),
                jpeg.height(), jpeg.bytes().length);
        if (webhook != null) {
            webhook.announce(new SnapshotWebhook.Notice(destBucket, request.bucket(), request.channel(), key,
                    request.timeMillis(), request.config().notifyTopic(), jpeg.width(), jpeg.height()));
        }
    }

    private static String key(String bucket, String channel) {
        return bucket + "/" + channel;
    }

    /** Takes what is queued (up to {@code timeout}), then stops; the webhook's retries are dropped. */
    public void close(Duration timeout) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} snapshots still queued at shutdown are dropped", pool.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
