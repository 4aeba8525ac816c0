package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.LiveStat;
import io.livechannel.api.xml.LiveChannelStat;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import java.util.Optional;

/**
 * {@code GET /<channel>?live&comp=stat} (wire spec §3.4): {@code Disabled} for a disabled channel, else
 * {@code Live} with the session's details from {@link io.livechannel.api.LiveSessions#stat}, else {@code Idle}.
 * Video and Audio appear only once that track has been seen; Snapshot (this server's addition) only for a channel
 * configured with one.
 */
final class GetLiveChannelStat implements Route {
    private final ApiConfig config;

    GetLiveChannelStat(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        Channel c = LiveChannels.require(config.metadata().channels(), bucket.name(), request.key());
        if (c.status() == ChannelStatus.DISABLED) {
            return ApiResponse.xml(OssXml.write(new LiveChannelStat("Disabled", null, null, null, null, snapshot(c))));
        }
        Optional<LiveStat> live = config.liveSessions().stat(bucket.name(), c.name());
        if (live.isEmpty()) {
            return ApiResponse.xml(OssXml.write(new LiveChannelStat("Idle", null, null, null, null, snapshot(c))));
        }
        LiveStat s = live.get();
        LiveChannelStat.Video video = s.video() == null ? null : new LiveChannelStat.Video(s.video().width(),
                s.video().height(), s.video().frameRate(), s.video().bandwidthBitsPerSecond(), s.video().codec());
        LiveChannelStat.Audio audio = s.audio() == null ? null : new LiveChannelStat.Audio(
                s.audio().bandwidthBitsPerSecond(), s.audio().sampleRate(), s.audio().codec());
        return ApiResponse.xml(OssXml.write(new LiveChannelStat("Live", OssXml.date(s.connectedAt()),
                s.remoteAddress(), video, audio, snapshot(c))));
    }

    /** Whether this server takes the channel's snapshots; {@code null} for a channel without a Snapshot. */
    private LiveChannelStat.Snapshot snapshot(Channel c) {
        if (c.snapshot() == null) {
            return null;
        }
        Optional<String> off = config.snapshotsOff().get();
        return off.map(reason -> new LiveChannelStat.Snapshot("Off", reason))
                .orElseGet(() -> new LiveChannelStat.Snapshot("On", null));
    }
}
