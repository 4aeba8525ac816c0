package io.livechannel.api.route;

import io.livechannel.api.ApiConfig;
import io.livechannel.api.ApiResponse;
import io.livechannel.api.OssRequest;
import io.livechannel.api.error.OssException;
import io.livechannel.storage.catalog.Bucket;
import io.livechannel.vod.VodPlaylist;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /<channel>?vod&startTime=&endTime=} (wire spec §3.9): the VoD playlist in the body,
 * {@code application/x-mpegURL}, not stored. Java parses the answer like GetObject, so Last-Modified and ETag
 * are sent too; the ETag is the body's upper-case hex MD5, what a PutObject of the same bytes would get.
 */
final class GetVodPlaylist implements Route {
    private final ApiConfig config;

    GetVodPlaylist(ApiConfig config) {
        this.config = config;
    }

    @Override
    public ApiResponse handle(OssRequest request, Bucket bucket) throws OssException {
        VodPlaylist playlist = VodPlaylists.build(config, request, bucket.name(), request.key());
        byte[] body = playlist.bytes();
        return ApiResponse.bytes(HttpResponseStatus.OK, VodPlaylist.CONTENT_TYPE, body)
                .header("ETag", "\"" + md5Hex(body) + "\"")
                .header("Last-Modified", GetObject.HTTP_DATE.format(config.clock().instant()))
                .header("Cache-Control", "no-cache");
    }

    private static String md5Hex(byte[] body) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}
