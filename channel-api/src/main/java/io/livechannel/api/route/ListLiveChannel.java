package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.api.xml.ListLiveChannelResult;
import io.livechannel.api.xml.OssXml;
import io.livechannel.api.xml.UrlList;
import io.livechannel.storage.catalog.Channel;
import io.livechannel.storage.catalog.ChannelPage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /?live&prefix=&marker=&max-keys=} (wire spec §3.6): channels in name order strictly after the
 * marker; max-keys defaults to {@value #DEFAULT_MAX_KEYS}, allowed 1..{@value #MAX_KEYS}, else InvalidArgument.
 */
final class ListLiveChannel implements Route {
    static final int DEFAULT_MAX_KEYS = 100;
    static final int MAX_KEYS = 1000;

    private final ApiConfig config;
    private final ChannelUrls urls;

    ListLiveChannel(ApiConfig config, ChannelUrls urls) {
        this.config = config;
        this.urls = urls;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        String prefix = request.query().getOrDefault("prefix", "");
        String marker = request.query().getOrDefault("marker", "");
        int maxKeys = MaxKeys.parse(request.query().getOrDefault("max-keys", ""), DEFAULT_MAX_KEYS, 1, MAX_KEYS);
        ChannelPage page = config.metadata().channels().list(bucket.name(), prefix, marker, maxKeys);
        List<ListLiveChannelResult.LiveChannel> entries = new ArrayList<>();
        for (Channel c : page.channels()) {
            entries.add(new ListLiveChannelResult.LiveChannel(c.name(), c.description(), c.status().wireValue(),
                    OssXml.date(c.lastModified()), UrlList.of(urls.publishUrl(request, c.name())),
                    UrlList.of(urls.playUrl(request, c.name(), c.playlistName()))));
        }
        String next = page.truncated() && page.nextMarker() != null ? page.nextMarker() : "";
        return ApiResponse.xml(OssXml.write(new ListLiveChannelResult(prefix, marker, maxKeys, page.truncated(),
                next, entries)));
    }
}
