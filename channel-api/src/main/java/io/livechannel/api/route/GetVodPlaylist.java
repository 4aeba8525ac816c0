package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssErrorCode;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;

/** VoD playlist operation (wire spec §3.8/§3.9); wired to module vod-playlist once it lands. */
final class GetVodPlaylist implements Route {
    private final ApiConfig config;

    GetVodPlaylist(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        throw new OssException(OssErrorCode.NOT_IMPLEMENTED, "VoD playlists are not available yet.");
    }
}
