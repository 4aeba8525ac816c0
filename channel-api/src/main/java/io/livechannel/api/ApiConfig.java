package io.livechannel.api;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.cache.MemoryOnlyStores;
import io.livechannel.storage.catalog.MetadataStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything the HTTP API is built from; the server's wiring creates one.
 *
 * @param domains the server's own host names, lower case without port: a request whose {@code Host} is one of
 *     them (or {@code localhost}, or an IP literal) is path-style, any other host is virtual-hosted with the
 *     bucket as its first label (wire spec §2.5). The first one is used in URLs when a request has no Host.
 * @param rtmpPort the port written into PublishUrls; {@code 0} means "the port the HTTP request came in on",
 *     which works because the HTTP port also accepts RTMP (port sharing) and is what the SDKs do (§6.4)
 * @param objects where objects live
 * @param metadata buckets, keys, channels, history and the segment index
 * @param storageExecutor runs every blocking {@code objects}/{@code metadata}/{@code liveSessions} call;
 *     bounded, owned by the server; a rejected task is answered 503 (clients retry)
 * @param liveSessions the RTMP side
 * @param clock wall time for signature expiry and skew checks, and for LastModified
 * @param limits request size limits
 * @param memoryOnly non-blocking views of the caches behind {@code objects} and {@code metadata}: when given, a
 *     GET or HEAD of an object whose bucket, access key and bytes are all in memory is answered on the event loop
 *     (see {@link RequestHandler}); {@code null} sends every request to {@code storageExecutor}
 */
public record ApiConfig(List<String> domains, int rtmpPort, ObjectStore objects, MetadataStore metadata,
                        Executor storageExecutor, LiveSessions liveSessions, Clock clock, HttpLimits limits,
                        MemoryOnlyStores memoryOnly) {
    /** A configuration without the event-loop path: every request runs on {@code storageExecutor}. */
    public ApiConfig(List<String> domains, int rtmpPort, ObjectStore objects, MetadataStore metadata,
                     Executor storageExecutor, LiveSessions liveSessions, Clock clock, HttpLimits limits) {
        this(domains, rtmpPort, objects, metadata, storageExecutor, liveSessions, clock, limits, null);
    }

    public ApiConfig {
        domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("at least one domain is required");
        }
        if (rtmpPort < 0 || rtmpPort > 65535) {
            throw new IllegalArgumentException("rtmpPort " + rtmpPort + " is not a TCP port (0 = the HTTP port)");
        }
        Objects.requireNonNull(objects, "objects");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(storageExecutor, "storageExecutor");
        Objects.requireNonNull(liveSessions, "liveSessions");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(limits, "limits");
    }

    /** This configuration with the stores replaced by their memory-only views; requires {@link #memoryOnly}. */
    ApiConfig onMemoryOnlyStores() {
        Objects.requireNonNull(memoryOnly, "memoryOnly");
        return new ApiConfig(domains, rtmpPort, memoryOnly.objects(), memoryOnly.metadata(), storageExecutor,
                liveSessions, clock, limits, null);
    }
}
