package io.livechannel.rtmp;

import io.livechannel.rtmp.session.PublisherRegistry;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the RTMP pipeline needs from the server.
 *
 * @param limits every limit, see {@link RtmpLimits}
 * @param authorizer decides each publish
 * @param listener receives each admitted publish
 * @param registry the server-wide publisher registry (shared by the RTMP and HTTP ports)
 * @param ownHostNames the server's own host names (any case): a tcUrl host among them, an IP address or
 *     {@code localhost} never names a bucket
 * @param clock wall time for publisher idleness, statistics and the publish start time
 */
public record RtmpConfig(
        RtmpLimits limits, PushAuthorizer authorizer, PublishListener listener, PublisherRegistry registry,
        Set<String> ownHostNames, Clock clock) {
    public RtmpConfig {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
        ownHostNames = ownHostNames.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
