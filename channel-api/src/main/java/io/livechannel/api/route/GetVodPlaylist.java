package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.vod.VodPlaylist;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET /<channel>?vod&startTime=&endTime=} (wire spec §3.9): the VoD playlist in the body,
 * {@code application/x-mpegURL}, not stored. Java parses the answer like GetObject, so Last-Modified and ETag
 * are sent too.
 */
final class GetVodPlaylist implements Route {
    private final ApiConfig config;

    GetVodPlaylist(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        VodPlaylist playlist = VodPlaylists.build(config, request, bucket.name(), request.key());
        return ApiResponse.bytes(HttpResponseStatus.OK, VodPlaylist.CONTENT_TYPE, playlist.bytes())
                .header("Last-Modified", GetObject.HTTP_DATE.format(config.clock().instant()))
                .header("Cache-Control", "no-cache");
    }
}
