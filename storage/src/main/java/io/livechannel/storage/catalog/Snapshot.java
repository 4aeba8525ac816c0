package io.livechannel.storage.catalog;

/** The optional {@code <Snapshot>} of a channel configuration, stored as given. */
public record Snapshot(String roleName, String destBucket, String notifyTopic, int intervalSeconds) {
}
