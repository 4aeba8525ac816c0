package io.livechannel.rtmp;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a publish may start: signature, expiry, access key, channel existence and status
 * ({@code livechannel.md} "RTMP ingest", {@code oss-sdk-wire-spec.md} §6). Implemented by the server.
 *
 * <p>Threading: called on the connection's event loop; the implementation must not block it (run catalog
 * lookups on a storage executor). The session stops reading until the stage completes, then continues on its
 * own event loop, so the stage may complete on any thread. A stage that completes exceptionally is treated as
 * a denial with {@link io.livechannel.rtmp.command.StatusCode#PUBLISH_DENIED} and logged.
 */
@FunctionalInterface
public interface PushAuthorizer {
    CompletionStage<PushDecision> authorize(PushRequest request);
}
