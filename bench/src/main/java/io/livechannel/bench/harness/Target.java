package io.livechannel.bench.harness;

import java.util.Objects;

/**
 * A server under test.
 *
 * @param name             label in the report ({@code livechannel}, {@code nginx-rtmp})
 * @param pid              root process id (nginx's master; its workers are found as children)
 * @param rtmpPort         RTMP port on 127.0.0.1
 * @param app              RTMP application
 * @param playlistUrl      live playlist URL pattern, {@code %s} = stream/channel name
 * @param isJvm            whether heap can be read with jcmd
 * @param channels         creates channels before the load; null when the server needs none (nginx)
 */
public record Target(String name, long pid, int rtmpPort, String app, String playlistUrl, boolean isJvm,
        OssChannelCreator channels) {
    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(playlistUrl, "playlistUrl");
    }
}
