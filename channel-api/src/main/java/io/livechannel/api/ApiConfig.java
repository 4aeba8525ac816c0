package io.livechannel.api;

import io.livechannel.storage.ObjectStore;
import io.livechannel.storage.cache.MemoryOnlyStores;
import io.livechannel.storage.catalog.MetadataStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Everything the HTTP API is built from; the server's wiring creates one with {@link #builder()}.
 *
 * <ul>
 *   <li>{@link #domains}: the server's own host names, lower case without port: a request whose {@code Host} is one
 *       of them (or {@code localhost}, or an IP literal) is path-style, any other host is virtual-hosted with the
 *       bucket as its first label (wire spec §2.5). The first one is used in URLs when a request has no Host.</li>
 *   <li>{@link #rtmpPort}: the port written into PublishUrls; {@code 0} (the default) means "the port the HTTP
 *       request came in on", which works because the HTTP port also accepts RTMP (port sharing) and is what the
 *       SDKs do (§6.4).</li>
 *   <li>{@link #objects}, {@link #metadata}: where objects live; buckets, keys, channels, history and the segment
 *       index.</li>
 *   <li>{@link #storageExecutor}: runs every blocking {@code objects}/{@code metadata}/{@code liveSessions} call;
 *       bounded, owned by the server; a rejected task is answered 503 (clients retry).</li>
 *   <li>{@link #liveSessions}: the RTMP side (default: none live).</li>
 *   <li>{@link #clock}: wall time for signature expiry and skew checks, and for LastModified (default: UTC).</li>
 *   <li>{@link #limits}: request size and time limits (default {@link HttpLimits#DEFAULTS}).</li>
 *   <li>{@link #memoryOnly}: non-blocking views of the caches behind {@code objects} and {@code metadata}: when
 *       given, a GET or HEAD of an object whose bucket, access key and bytes are all in memory is answered on the
 *       event loop (see {@link RequestHandler}); {@code null} (the default) sends every request to
 *       {@code storageExecutor}.</li>
 *   <li>{@link #staticPages}: pages served beside the API (the web console), or {@code null} (the default) for
 *       none.</li>
 *   <li>{@link #snapshotsOff}: why channels' snapshots are not taken (no decoder on this platform), or empty when
 *       they are (the default); asked by GetLiveChannelStat.</li>
 * </ul>
 */
public final class ApiConfig {
    private final List<String> domains;
    private final int rtmpPort;
    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final Executor storageExecutor;
    private final LiveSessions liveSessions;
    private final Clock clock;
    private final HttpLimits limits;
    private final MemoryOnlyStores memoryOnly;
    private final StaticPages staticPages;
    private final Supplier<Optional<String>> snapshotsOff;

    private ApiConfig(Builder b) {
        domains = b.domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("at least one domain is required");
        }
        if (b.rtmpPort < 0 || b.rtmpPort > 65535) {
            throw new IllegalArgumentException("rtmpPort " + b.rtmpPort + " is not a TCP port (0 = the HTTP port)");
        }
        rtmpPort = b.rtmpPort;
        objects = Objects.requireNonNull(b.objects, "objects");
        metadata = Objects.requireNonNull(b.metadata, "metadata");
        storageExecutor = Objects.requireNonNull(b.storageExecutor, "storageExecutor");
        liveSessions = Objects.requireNonNull(b.liveSessions, "liveSessions");
        clock = Objects.requireNonNull(b.clock, "clock");
        limits = Objects.requireNonNull(b.limits, "limits");
        memoryOnly = b.memoryOnly;
        staticPages = b.staticPages;
        snapshotsOff = Objects.requireNonNull(b.snapshotsOff, "snapshotsOff");
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> domains() {
        return domains;
    }

    public int rtmpPort() {
        return rtmpPort;
    }

    public ObjectStore objects() {
        return objects;
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public Executor storageExecutor() {
        return storageExecutor;
    }

    public LiveSessions liveSessions() {
        return liveSessions;
    }

    public Clock clock() {
        return clock;
    }

    public HttpLimits limits() {
        return limits;
    }

    /** {@code null} when every request runs on {@link #storageExecutor}. */
    public MemoryOnlyStores memoryOnly() {
        return memoryOnly;
    }

    /** {@code null} when the HTTP port serves only the API. */
    public StaticPages staticPages() {
        return staticPages;
    }

    /** Why snapshots are not taken, or empty when they are. */
    public Supplier<Optional<String>> snapshotsOff() {
        return snapshotsOff;
    }

    /** This configuration with the stores replaced by their memory-only views; requires {@link #memoryOnly}. */
    ApiConfig onMemoryOnlyStores() {
        Objects.requireNonNull(memoryOnly, "memoryOnly");
        return builder().domains(domains).rtmpPort(rtmpPort).stores(memoryOnly.objects(), memoryOnly.metadata())
                .storageExecutor(storageExecutor).liveSessions(liveSessions).clock(clock).limits(limits)
                .snapshotsOff(snapshotsOff).build();
    }

    /** Collects an {@link ApiConfig}; {@link #build()} checks that the stores and the executor were given. */
    public static final class Builder {
        private List<String> domains = List.of();
        private int rtmpPort;
        private ObjectStore objects;
        private MetadataStore metadata;
        private Executor storageExecutor;
        private LiveSessions liveSessions = LiveSessions.none();
        private Clock clock = Clock.systemUTC();
        private HttpLimits limits = HttpLimits.DEFAULTS;
        private MemoryOnlyStores memoryOnly;
        private StaticPages staticPages;
        private Supplier<Optional<String>> snapshotsOff = Optional::empty;

        private Builder() {
        }

        public Builder domains(List<String> domains) {
            this.domains = List.copyOf(domains);
            return this;
        }

        public Builder rtmpPort(int rtmpPort) {
            this.rtmpPort = rtmpPort;
            return this;
        }

        public Builder stores(ObjectStore objects, MetadataStore metadata) {
            this.objects = objects;
            this.metadata = metadata;
            return this;
        }

        public Builder storageExecutor(Executor storageExecutor) {
            this.storageExecutor = storageExecutor;
            return this;
        }

        public Builder liveSessions(LiveSessions liveSessions) {
            this.liveSessions = liveSessions;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder limits(HttpLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder memoryOnly(MemoryOnlyStores memoryOnly) {
            this.memoryOnly = memoryOnly;
            return this;
        }

        public Builder staticPages(StaticPages staticPages) {
            this.staticPages = staticPages;
            return this;
        }

        public Builder snapshotsOff(Supplier<Optional<String>> snapshotsOff) {
            this.snapshotsOff = snapshotsOff;
            return this;
        }

        public ApiConfig build() {
            return new ApiConfig(this);
        }
    }
}
