package io.livechannel.api.route;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.xml.CreateLiveChannelResult;
import io.livechannel.api.xml.LiveChannelConfiguration;
import io.livechannel.api.xml.OssXml;
import io.livechannel.api.xml.UrlList;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.storage.catalog.Channel;

/**
 * {@code PUT /<channel>?live} (wire spec §3.1): creates the channel or replaces an idle one's configuration;
 * refused with 409 ChannelStillLive while a client pushes, and with 400 InvalidArgument when a Snapshot's DestBucket
 * is not a bucket of this server (RoleName is stored and echoed only: there is no RAM here). Answers the unsigned
 * PublishUrls and PlayUrls.
 */
final class PutLiveChannel implements Route {
    private static final Logger log = LoggerFactory.getLogger(PutLiveChannel.class);

    private final ApiConfig config;
    private final ChannelUrls urls;

    PutLiveChannel(ApiConfig config, ChannelUrls urls) {
        this.config = config;
        this.urls = urls;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        if (request.body().length > config.limits().maxXmlBodyBytes()) {
            throw new OssException(OssErrorCode.ENTITY_TOO_LARGE, "LiveChannelConfiguration is larger than "
                    + config.limits().maxXmlBodyBytes() + " bytes.");
        }
        LiveChannelConfiguration doc = OssXml.read(request.body(), LiveChannelConfiguration.class);
        Channel channel = ChannelConfigParser.parse(bucket.name(), request.key(), doc, config.clock().instant());
        if (config.liveSessions().isLive(bucket.name(), channel.name())) {
            throw LiveChannels.stillLive(channel.name());
        }
        if (channel.snapshot() != null && config.metadata().buckets().find(channel.snapshot().destBucket()).isEmpty()) {
            throw ChannelConfigParser.invalid("Snapshot/DestBucket '"
                    + ChannelConfigParser.shorten(channel.snapshot().destBucket()) + "' is not a bucket of this server");
        }
        config.metadata().channels().put(channel);
        log.info("{} LiveChannel {}/{} created or replaced (FragDuration {} s, FragCount {}, {})", request.requestId(),
                bucket.name(), channel.name(), channel.fragDurationSeconds(), channel.fragCount(), channel.status().wireValue());
        return ApiResponse.xml(OssXml.write(new CreateLiveChannelResult(
                UrlList.of(urls.publishUrl(request, channel.name())),
                UrlList.of(urls.playUrl(request, channel.name(), channel.playlistName())))));
    }
}
