package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.xml.LiveChannelConfiguration;
import io.livechannel.api.xml.OssXml;
import io.livechannel.storage.catalog.Channel;

/**
 * {@code GET /<channel>?live} (wire spec §3.3): the configuration. FragDuration and FragCount are always
 * written (the Java SDK parses them unconditionally).
 */
final class GetLiveChannelInfo implements Route {
    private final ApiConfig config;

    GetLiveChannelInfo(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        Channel c = LiveChannels.require(config.metadata().channels(), bucket.name(), request.key());
        LiveChannelConfiguration.Snapshot snapshot = c.snapshot() == null ? null
                : new LiveChannelConfiguration.Snapshot(c.snapshot().roleName(), c.snapshot().destBucket(),
                        c.snapshot().notifyTopic(), Integer.toString(c.snapshot().intervalSeconds()));
        return ApiResponse.xml(OssXml.write(new LiveChannelConfiguration(c.description(), c.status().wireValue(),
                new LiveChannelConfiguration.Target("HLS", Integer.toString(c.fragDurationSeconds()),
                        Integer.toString(c.fragCount()), c.playlistName()), snapshot)));
    }
}
