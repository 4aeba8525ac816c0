package io.livechannel.api.route;

import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelCatalog;

/** Channel lookups shared by the LiveChannel routes. */
final class LiveChannels {
    private LiveChannels() {
    }

    /** The channel, or 404 NoSuchLiveChannel. */
    static Channel require(ChannelCatalog catalog, String bucket, String name) throws OssException {
        ChannelConfigParser.checkChannelName(name);
        return catalog.find(bucket, name).orElseThrow(() -> new OssException(OssErrorCode.NO_SUCH_LIVE_CHANNEL,
                "The specified LiveChannel does not exist."));
    }

    static OssException stillLive(String name) {
        return new OssException(OssErrorCode.CHANNEL_STILL_LIVE,
                "LiveChannel '" + ChannelConfigParser.shorten(name) + "' has a client pushing to it; "
                        + "disable it first (PutLiveChannelStatus disabled) or stop the encoder.");
    }
}
