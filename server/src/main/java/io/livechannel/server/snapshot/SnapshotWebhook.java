package io.livechannel.server.snapshot;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livechannel.api.FailureLogThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces each stored snapshot with an HTTP POST of a small JSON document to {@code --snapshot-webhook}, this
 * server's stand-in for a NotifyTopic (there is no MNS here). The body is signed: header {@value #SIGNATURE_HEADER}
 * is {@code sha256=} and the lower-case hex HMAC-SHA256 of the exact body bytes keyed with the UTF-8 bytes of
 * {@code --snapshot-webhook-secret}; a receiver recomputes it and compares in constant time.
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><td>attempts per notice</td><td>{@value #MAX_ATTEMPTS}: a 2xx answer delivers it; anything else (another
 *       status, no answer within {@link #REQUEST_TIMEOUT}, no connection) is retried after 1, 2, 4, 8 s</td></tr>
 *   <tr><td>notices under way</td><td>{@value #MAX_PENDING} (sent or waiting for a retry); past it a notice is
 *       dropped, counted and logged</td></tr>
 * </table>
 * Failures are counted ({@code livechannel.snapshot.notices}) and logged at most once per 10 s; nothing waits for a
 * notice: snapshots and ingest go on whatever the receiver does.
 *
 * <p>Threading: {@link #announce} returns at once; requests, answers and retries run on one
 * {@code snapshot-webhook} thread and the JDK client's selector thread.
 */
public final class SnapshotWebhook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotWebhook.class);
    public static final String SIGNATURE_HEADER = "X-LiveChannel-Signature";
    static final int MAX_ATTEMPTS = 5;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_PENDING = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The JSON body, in this field order.
     *
     * @param bucket the DestBucket, which holds the snapshot
     * @param key the snapshot's key, {@code <channel>/<epochMillis>.jpg}
     * @param channelBucket the bucket of the channel
     * @param time when the keyframe arrived, ISO-8601 UTC
     * @param notifyTopic the channel's NotifyTopic as configured (may be null)
     */
    @JsonPropertyOrder({"bucket", "key", "channelBucket", "channel", "time", "notifyTopic", "width", "height"})
    record Body(String bucket, String key, String channelBucket, String channel, String time, String notifyTopic,
                int width, int height) {
    }

    /** A stored snapshot to announce. */
    record Notice(String destBucket, String channelBucket, String channel, String key, long timeMillis,
                  String notifyTopic, int width, int height) {
    }

    private final URI url;
    private final SecretKeySpec secret;
    private final ScheduledThreadPoolExecutor thread;
    private final HttpClient client;
    private final AtomicInteger pending = new AtomicInteger();
    private final FailureLogThrottle failureLog;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private final Counter dropped;

    /**
     * @param url where notices are POSTed ({@code http} or {@code https})
     * @param secret the HMAC key's text, at least {@value #MIN_SECRET_LENGTH} characters
     */
    public SnapshotWebhook(URI url, String secret, Clock clock, MeterRegistry meters) {
        this.url = url;
        this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "snapshot-webhook");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(thread).connectTimeout(REQUEST_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.failureLog = new FailureLogThrottle(clock);
        this.delivered = counter(meters, "delivered", "snapshot notices the webhook answered with 2xx");
        this.retried = counter(meters, "retried", "snapshot notice attempts that failed and were retried");
        this.failed = counter(meters, "failed", "snapshot notices given up after " + MAX_ATTEMPTS + " attempts");
        this.dropped = counter(meters, "dropped", "snapshot notices dropped: " + MAX_PENDING + " already under way");
    }

    /** The shortest {@code --snapshot-webhook-secret}. */
    public static final int MIN_SECRET_LENGTH = 16;

    private static Counter counter(MeterRegistry meters, String result, String description) {
        return Counter.builder("livechannel.snapshot.notices").tag("result", result).description(description)
                .register(meters);
    }

    /** Sends the notice in the background; never blocks. */
    void announce(Notice notice) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            dropped.increment();
            logFailure(notice, MAX_PENDING + " notices are under way already; dropped");
            return;
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(new Body(notice.destBucket(), notice.key(), notice.channelBucket(),
                    notice.channel(), Instant.ofEpochMilli(notice.timeMillis()).toString(), notice.notifyTopic(),
                    notice.width(), notice.height()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notice of plain strings and numbers did not serialize", e);
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, "sha256=" + HexFormat.of().formatHex(sign(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        send(notice, request, 1);
    }

    private void send(Notice notice, HttpRequest request, int attempt) {
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error == null && response.statusCode() / 100 == 2) {
                    delivered.increment();
                    pending.decrementAndGet();
                } else {
                    String why = error != null ? error.toString() : "HTTP " + response.statusCode();
                    retry(notice, request, attempt, why);
                }
            });
        } catch (RejectedExecutionException closed) {
            pending.decrementAndGet();
        }
    }

    private void retry(Notice notice, HttpRequest request, int attempt, String why) {
        if (attempt >= MAX_ATTEMPTS) {
            failed.increment();
            pending.decrementAndGet();
            logFailure(notice, why + " after " + attempt + " attempts; given up");
            return;
        }
        retried.increment();
        long delayMillis = FIRST_RETRY.toMillis() << (attempt - 1);
        try {
            thread.schedule(() -> send(notice, request, attempt + 1), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            pending.decrementAndGet();
        }
    }

    private void logFailure(Notice notice, String why) {
        long held = failureLog.admit();
        if (held >= 0) {
            log.warn("snapshot notice of {}/{} to {} not delivered: {} ({} similar lines held back)",
                    notice.destBucket(), notice.key(), url, why, held);
        }
    }

    /** HMAC-SHA256 of {@code body} with the secret. */
    byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /** Stops: notices waiting for a retry are dropped. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
