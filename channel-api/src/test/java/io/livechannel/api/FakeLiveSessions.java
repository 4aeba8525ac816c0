package io.livechannel.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link LiveSessions} port as a test double: tests mark channels live and read back disconnects. */
public final class FakeLiveSessions implements LiveSessions {
    private final Map<String, LiveStat> live = new ConcurrentHashMap<>();
    private final Set<String> disconnected = ConcurrentHashMap.newKeySet();

    public void publish(String bucket, String channel, LiveStat stat) {
        live.put(bucket + "/" + channel, stat);
    }

    public boolean wasDisconnected(String bucket, String channel) {
        return disconnected.contains(bucket + "/" + channel);
    }

    @Override
    public boolean isLive(String bucket, String channel) {
        return live.containsKey(bucket + "/" + channel);
    }

    @Override
    public Optional<LiveStat> stat(String bucket, String channel) {
        return Optional.ofNullable(live.get(bucket + "/" + channel));
    }

    @Override
    public void disconnect(String bucket, String channel) {
        if (live.remove(bucket + "/" + channel) != null) {
            disconnected.add(bucket + "/" + channel);
        }
    }
}
