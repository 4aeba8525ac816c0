package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import java.util.EnumMap;
import java.util.Map;

/** The route of every {@link Operation}, built once per server. */
public final class Routes {
    private Routes() {
    }

    public static Map<Operation, Route> create(ApiConfig config) {
        ChannelUrls urls = new ChannelUrls(config);
        EnumMap<Operation, Route> routes = new EnumMap<>(Operation.class);
        routes.put(Operation.GET_SERVICE, new GetService(config));
        routes.put(Operation.PUT_BUCKET, new PutBucket(config));
        routes.put(Operation.DELETE_BUCKET, new DeleteBucket(config));
        routes.put(Operation.GET_BUCKET_ACL, new GetBucketAcl());
        routes.put(Operation.PUT_BUCKET_ACL, new PutBucketAcl(config));
        routes.put(Operation.GET_BUCKET_CORS, new GetBucketCors());
        routes.put(Operation.PUT_BUCKET_CORS, new PutBucketCors(config));
        routes.put(Operation.DELETE_BUCKET_CORS, new DeleteBucketCors(config));
        routes.put(Operation.LIST_OBJECTS, new ListObjects(config));
        routes.put(Operation.GET_OBJECT, new GetObject(config, false));
        routes.put(Operation.HEAD_OBJECT, new GetObject(config, true));
        routes.put(Operation.GET_SIGNED_PLAYLIST, new GetSignedPlaylist(config));
        routes.put(Operation.PUT_OBJECT, new PutObject(config));
        routes.put(Operation.DELETE_OBJECT, new DeleteObject(config));
        routes.put(Operation.PUT_LIVE_CHANNEL, new PutLiveChannel(config, urls));
        routes.put(Operation.PUT_LIVE_CHANNEL_STATUS, new PutLiveChannelStatus(config));
        routes.put(Operation.GET_LIVE_CHANNEL_INFO, new GetLiveChannelInfo(config));
        routes.put(Operation.GET_LIVE_CHANNEL_STAT, new GetLiveChannelStat(config));
        routes.put(Operation.GET_LIVE_CHANNEL_HISTORY, new GetLiveChannelHistory(config));
        routes.put(Operation.LIST_LIVE_CHANNEL, new ListLiveChannel(config, urls));
        routes.put(Operation.DELETE_LIVE_CHANNEL, new DeleteLiveChannel(config));
        routes.put(Operation.POST_VOD_PLAYLIST, new PostVodPlaylist(config));
        routes.put(Operation.GET_VOD_PLAYLIST, new GetVodPlaylist(config));
        routes.put(Operation.CORS_PREFLIGHT, new CorsPreflight());
        return Map.copyOf(routes);
    }
}
