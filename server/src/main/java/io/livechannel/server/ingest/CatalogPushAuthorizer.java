package io.livechannel.server.ingest;

import io.livechannel.rtmp.PushAuthorizer;
import io.livechannel.rtmp.PushDecision;
import io.livechannel.rtmp.PushRequest;
import io.livechannel.rtmp.auth.PushSignature;
import io.livechannel.rtmp.command.StatusCode;
import io.livechannel.rtmp.session.PushUrl;
import io.livechannel.server.snapshot.Snapshots;
import io.livechannel.storage.catalog.AccessKey;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.BucketAcl;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.livechannel.storage.catalog.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Decides a publish against the catalog ({@code livechannel.md} "RTMP ingest", wire spec §6.4): the bucket comes
 * from the URL, or — for URLs without one, as the Java SDK makes for IP endpoints — from the buckets holding a
 * channel of that name, picking the one whose key verifies the signature. Unless the bucket is
 * {@code public-read-write} the URL must carry a valid, unexpired signature by a known key (on a
 * {@code public-read-write} bucket an unsigned URL is admitted, a signed one must verify); the channel must exist
 * and be enabled; a {@code playlistName} parameter must be a valid playlist name.
 *
 * <p>Threading: {@link #authorize} returns at once; the catalog is read on the storage executor.
 */
public final class CatalogPushAuthorizer implements PushAuthorizer {
    /** PlaylistName rules of PutLiveChannel: ends in {@code .m3u8}, 6..128 bytes. */
    static final int MIN_PLAYLIST_NAME_BYTES = 6;
    static final int MAX_PLAYLIST_NAME_BYTES = 128;

    private final MetadataStore metadata;
    private final Executor storageExecutor;
    private final PushSignature signature;
    private final PlaylistCountersCache counters;
    private final Snapshots snapshots;

    /** @param snapshots told each admitted channel's Snapshot settings; {@code null} when none are taken */
    public CatalogPushAuthorizer(MetadataStore metadata, Executor storageExecutor, PushSignature signature,
                                 PlaylistCountersCache counters, Snapshots snapshots) {
        this.snapshots = snapshots;
        this.metadata = metadata;
        this.storageExecutor = storageExecutor;
        this.signature = signature;
        this.counters = counters;
    }

    @Override
    public CompletionStage<PushDecision> authorize(PushRequest request) {
        try {
            return CompletableFuture.supplyAsync(() -> decide(request.url()), storageExecutor);
        } catch (RejectedExecutionException overloaded) {
            // The session answers a failed stage with NetStream.Publish.Denied; the encoder retries.
            return CompletableFuture.failedFuture(overloaded);
        }
    }

    PushDecision decide(PushUrl url) {
        List<String> candidates = url.bucket().map(List::of).orElseGet(() -> bucketsHolding(url.channel()));
        if (candidates.isEmpty()) {
            return new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME,
                    "no LiveChannel named '" + url.channel() + "' in any bucket");
        }
        PushDecision firstRefusal = null;
        for (String bucket : candidates) {
            PushDecision decision = decideFor(bucket, url);
            if (decision instanceof PushDecision.Allowed allowed) {
                counters.load(new ChannelKey(allowed.bucket(), allowed.channel()), metadata.channels());
                if (snapshots != null) {
                    snapshots.admitted(allowed.bucket(), allowed.channel(), metadata.channels());
                }
                return decision;
            }
            if (firstRefusal == null) {
                firstRefusal = decision;
            }
        }
        return firstRefusal;
    }

    private List<String> bucketsHolding(String channel) {
        List<String> holding = new ArrayList<>();
        for (Bucket bucket : metadata.buckets().list()) {
            if (metadata.channels().find(bucket.name(), channel).isPresent()) {
                holding.add(bucket.name());
            }
        }
        return holding;
    }

    private PushDecision decideFor(String bucketName, PushUrl url) {
        Optional<Bucket> bucket = metadata.buckets().find(bucketName);
        if (bucket.isEmpty()) {
            return new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME, "no bucket named '" + bucketName + "'");
        }
        Optional<Channel> found = metadata.channels().find(bucketName, url.channel());
        if (found.isEmpty()) {
            return new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME,
                    "no LiveChannel named '" + url.channel() + "' in bucket '" + bucketName + "'");
        }
        // A public-read-write bucket admits unsigned pushes, but a signature that is there must verify, as the
        // HTTP API checks any signature it is given: a wrong or expired one is a mistake the user should see.
        if (bucket.get().acl() != BucketAcl.PUBLIC_READ_WRITE || carriesSignature(url)) {
            Optional<String> refusal = signatureRefusal(bucketName, url);
            if (refusal.isPresent()) {
                return new PushDecision.Denied(StatusCode.PUBLISH_DENIED, refusal.get());
            }
        }
        Channel channel = found.get();
        if (channel.status() == ChannelStatus.DISABLED) {
            return new PushDecision.Denied(StatusCode.PUBLISH_DENIED,
                    "LiveChannel '" + url.channel() + "' is disabled");
        }
        String playlistName = url.playlistName().orElse(channel.playlistName());
        if (!isValidPlaylistName(playlistName)) {
            return new PushDecision.Denied(StatusCode.PUBLISH_BAD_NAME, "playlistName must end in .m3u8, be "
                    + MIN_PLAYLIST_NAME_BYTES + ".." + MAX_PLAYLIST_NAME_BYTES + " bytes and hold no '/'");
        }
        return new PushDecision.Allowed(bucketName, channel.name(), playlistName, channel.fragDurationSeconds(),
                channel.fragCount());
    }

    private Optional<String> signatureRefusal(String bucket, PushUrl url) {
        Optional<String> keyId = PushSignature.accessKeyId(url.params());
        if (keyId.isEmpty()) {
            return Optional.of(carriesSignature(url) ? "the push URL lacks OSSAccessKeyId"
                    : "the push URL is not signed (bucket '" + bucket + "' is not public-read-write)");
        }
        Optional<AccessKey> key = metadata.accessKeys().find(keyId.get());
        if (key.isEmpty()) {
            return Optional.of("unknown OSSAccessKeyId");
        }
        return switch (signature.verify(url.params(), bucket, url.channel(), key.get().secret())) {
            case VALID -> Optional.empty();
            case UNSIGNED -> Optional.of("the push URL lacks Expires or Signature");
            case MALFORMED -> Optional.of("the push URL's Expires or Signature is malformed");
            case MISMATCH -> Optional.of("the push URL's signature does not match");
            case EXPIRED -> Optional.of("the push URL has expired");
        };
    }

    private static boolean carriesSignature(PushUrl url) {
        return url.params().containsKey(PushSignature.ACCESS_KEY_ID) || url.params().containsKey(PushSignature.SIGNATURE)
                || url.params().containsKey(PushSignature.EXPIRES);
    }

    static boolean isValidPlaylistName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        return name.endsWith(".m3u8") && bytes >= MIN_PLAYLIST_NAME_BYTES && bytes <= MAX_PLAYLIST_NAME_BYTES
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0;
    }
}
