package io.livechannel.api.route;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelStatus;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code PUT /<channel>?live&status=enabled|disabled} (wire spec §3.2): 200 without body. Disabling a live
 * channel disconnects its publisher right away through {@link io.livechannel.api.LiveSessions#disconnect}.
 */
final class PutLiveChannelStatus implements Route {
    private static final Logger log = LoggerFactory.getLogger(PutLiveChannelStatus.class);

    private final ApiConfig config;

    PutLiveChannelStatus(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        String value = request.query().getOrDefault("status", "");
        if (value.isEmpty()) {
            throw ChannelConfigParser.invalid("status must be 'enabled' or 'disabled'");
        }
        ChannelStatus status = ChannelConfigParser.parseStatus(value);
        Channel channel = LiveChannels.require(config.metadata().channels(), bucket.name(), request.key());
        if (channel.status() != status) {
            config.metadata().channels().put(channel.withStatus(status, config.clock().instant()));
        }
        log.info("{} LiveChannel {}/{} set {}", request.requestId(), bucket.name(), channel.name(), status.wireValue());
        if (status == ChannelStatus.DISABLED) {
            config.liveSessions().disconnect(bucket.name(), channel.name());
        }
        return ApiResponse.empty(HttpResponseStatus.OK);
    }
}
