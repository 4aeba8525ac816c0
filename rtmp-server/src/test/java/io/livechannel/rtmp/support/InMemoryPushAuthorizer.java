package io.livechannel.rtmp.support;

import io.livechannel.rtmp.PushAuthorizer;
import io.livechannel.rtmp.PushDecision;
import io.livechannel.rtmp.PushRequest;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.session.PushUrl;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A push authorizer over an in-memory channel table, deciding like the server's catalog-backed one: bucket from
 * the URL or by channel name and signature, else the default bucket; signature, expiry, key, existence, status.
 * Completes on {@code executor}, off the event loop, as the real one does.
 */
public final class InMemoryPushAuthorizer implements PushAuthorizer {
    public record ChannelEntry(boolean enabled, String playlistName, int fragDurationSeconds, int fragCount) {
    }

    private final Map<String, ChannelEntry> channels = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final PushSignature signature;
    private final String defaultBucket;
    private final Executor executor;

    public InMemoryPushAuthorizer(Clock clock, String defaultBucket, Executor executor) {
        this.signature = new PushSignature(clock);
        this.defaultBucket = defaultBucket;
        this.executor = executor;
    }

    public void addKey(String id, String secret) {
        secrets.put(id, secret);
    }

    public void putChannel(String bucket, String channel, boolean enabled) {
        channels.put(bucket + "/" + channel, new ChannelEntry(enabled, "playlist.m3u8", 5, 3));
    }

    @Override
    public CompletionStage<PushDecision> authorize(PushRequest request) {
        return CompletableFuture.supplyAsync(() -> decide(request.url()), executor);
    }

    private PushDecision decide(PushUrl url) {
        List<String> candidates = url.bucket().map(List::of).orElseGet(() -> bucketsWith(url.channel()));
        if (candidates.isEmpty()) {
            return new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME, "no live channel named " + url.channel());
        }
        Optional<String> keyId = PushSignature.accessKeyId(url.params());
        String secret = keyId.map(secrets::get).orElse(null);
        if (keyId.isPresent() && secret == null) {
            return new PushDecision.Denied(StatusCode.PUBLISH_DENIED, "unknown access key id");
        }
        PushSignature.Result last = PushSignature.Result.UNSIGNED;
        for (String bucket : candidates) {
            ChannelEntry entry = channels.get(bucket + "/" + url.channel());
            if (entry == null) {
                return new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME, "no live channel named " + url.channel());
            }
            last = secret == null ? PushSignature.Result.UNSIGNED
                    : signature.verify(url.params(), bucket, url.channel(), secret);
            if (last == PushSignature.Result.VALID) {
                if (!entry.enabled()) {
                    return new PushDecision.Denied(StatusCode.PUBLISH_DENIED, "channel " + url.channel() + " is disabled");
                }
                return new PushDecision.Allowed(bucket, url.channel(),
                        url.playlistName().orElse(entry.playlistName()), entry.fragDurationSeconds(), entry.fragCount());
            }
        }
        return new PushDecision.Denied(StatusCode.PUBLISH_DENIED, switch (last) {
            case UNSIGNED -> "the push URL is not signed";
            case MALFORMED -> "the Expires parameter is not a number";
            case EXPIRED -> "the push URL has expired";
            default -> "the signature does not match";
        });
    }

    private List<String> bucketsWith(String channel) {
        List<String> found = channels.keySet().stream().filter(k -> k.endsWith("/" + channel))
                .map(k -> k.substring(0, k.length() - channel.length() - 1)).sorted().toList();
        return found.isEmpty() ? List.of(defaultBucket) : found;
    }
}
