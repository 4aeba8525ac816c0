package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.PutOptions;
import io.livechannel.storage.StorageException;
import io.livechannel.storage.StoredObject;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.vod.VodPlaylist;
import io.livechannel.vod.VodPlaylistException;
import io.livechannel.vod.VodPlaylistKey;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /<channel>/<name>.m3u8?vod&startTime=&endTime=} (wire spec §3.8): writes the VoD playlist as the
 * object {@code <channel>/<name>.m3u8} and answers 200 with its ETag.
 */
final class PostVodPlaylist implements Route {
    private final ApiConfig config;

    PostVodPlaylist(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException, StorageException {
        VodPlaylistKey key;
        try {
            key = VodPlaylistKey.parse(request.key());
        } catch (VodPlaylistException e) {
            throw ChannelConfigParser.invalid(e.getMessage());
        }
        VodPlaylist playlist = VodPlaylists.build(config, request, bucket.name(), key.channel());
        StoredObject stored = config.objects().put(bucket.name(), key.objectKey(), playlist.bytes(),
                PutOptions.of(VodPlaylist.CONTENT_TYPE));
        return ApiResponse.empty(HttpResponseStatus.OK).header("ETag", "\"" + stored.etag() + "\"");
    }
}
