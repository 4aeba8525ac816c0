package io.livechannel.api.route;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code DELETE /<channel>?live} (wire spec §3.7): 204; 409 ChannelStillLive while a client pushes. The
 * generated playlist and segments are kept (OSS DeleteLiveChannel).
 */
final class DeleteLiveChannel implements Route {
    private static final Logger log = LoggerFactory.getLogger(DeleteLiveChannel.class);

    private final ApiConfig config;

    DeleteLiveChannel(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        Channel c = LiveChannels.require(config.metadata().channels(), bucket.name(), request.key());
        if (config.liveSessions().isLive(bucket.name(), ObjectKeys.forLog(c.name()))) {
            throw LiveChannels.stillLive(c.name());
        }
        config.metadata().channels().delete(bucket.name(), ObjectKeys.forLog(c.name()));
        log.info("{} LiveChannel {}/{} deleted", request.requestId(), bucket.name(), ObjectKeys.forLog(c.name()));
        return ApiResponse.empty(HttpResponseStatus.NO_CONTENT);
    }
}
