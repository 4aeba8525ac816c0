package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.vod.TimeRange;
import io.livechannel.vod.VodPlaylist;
import io.livechannel.vod.VodPlaylistBuilder;
import io.livechannel.vod.VodPlaylistException;

/**
 * The VoD playlist of a channel's stored segments in {@code startTime..endTime} (wire spec §3.8, §3.9), shared
 * by PostVodPlaylist and GetVodPlaylist. Every {@link VodPlaylistException} (bad or missing times, span of a
 * day or more, no segment in the range, too many) is 400 InvalidArgument with the module's message.
 */
final class VodPlaylists {
    private VodPlaylists() {
    }

    static VodPlaylist build(ApiConfig config, OssRequest request, String bucket, String channelName)
            throws OssException {
        try {
            TimeRange range = TimeRange.parse(request.query().get("startTime").orElse(null),
                    request.query().get("endTime").orElse(null));
            Channel channel = LiveChannels.require(config.metadata().channels(), bucket, channelName);
            return VodPlaylistBuilder.build(channel.name(), range, config.metadata().segments().range(bucket,
                    channel.name(), range.fromMillis(), range.toMillis()), key -> exists(config, bucket, key));
        } catch (VodPlaylistException e) {
            throw ChannelConfigParser.invalid(e.getMessage());
        }
    }

    private static boolean exists(ApiConfig config, String bucket, String key) {
        try {
            return config.objects().head(bucket, key).isPresent();
        } catch (StorageException e) {
            return false;
        }
    }
}
