package io.livechannel.api.route;

import io.livechannel.api.AddressingStyle;
import io.livechannel.api.ApiConfig;
import io.livechannel.api.OssRequest;
import io.livechannel.api.QueryParameters;
import io.livechannel.api.RequestTarget;

/**
 * The PublishUrls and PlayUrls of a channel, built for the addressing style and ports the request used, so
 * they work as given (wire spec §3.1, §6.4):
 * <ul>
 *   <li>virtual-hosted: {@code rtmp://<bucket>.<domain>:<port>/live/<channel>} and
 *       {@code http://<bucket>.<domain>:<port>/<channel>/<playlist>};</li>
 *   <li>path style: {@code rtmp://<host>:<port>/<bucket>/live/<channel>} (the RTMP app {@code <bucket>/live}
 *       names the bucket, as oss2 and Go build it) and {@code http://<host>:<port>/<bucket>/<channel>/<playlist>}.</li>
 * </ul>
 * The RTMP port is {@link ApiConfig#rtmpPort()}, or when that is 0 the port the client reached the HTTP API on
 * (the HTTP port accepts RTMP too). The URLs are unsigned, as OSS returns them.
 */
final class ChannelUrls {
    private final ApiConfig config;

    ChannelUrls(ApiConfig config) {
        this.config = config;
    }

    String publishUrl(OssRequest request, String channel) {
        RequestTarget t = request.target();
        int port = config.rtmpPort() != 0 ? config.rtmpPort()
                : t.hostPort() > 0 ? t.hostPort() : request.context().localPort();
        StringBuilder sb = new StringBuilder("rtmp://").append(hostName(request)).append(':').append(port);
        if (t.style() == AddressingStyle.PATH) {
            sb.append('/').append(QueryParameters.percentEncode(request.bucket()));
        }
        return sb.append("/live/").append(QueryParameters.percentEncode(channel)).toString();
    }

    String playUrl(OssRequest request, String channel, String playlistName) {
        RequestTarget t = request.target();
        StringBuilder sb = new StringBuilder("http://").append(hostName(request));
        int port = t.hostPort() > 0 ? t.hostPort() : t.hostName().isEmpty() ? request.context().localPort() : -1;
        if (port > 0 && port != 80) {
            sb.append(':').append(port);
        }
        if (t.style() == AddressingStyle.PATH) {
            sb.append('/').append(QueryParameters.percentEncode(request.bucket()));
        }
        return sb.append('/').append(QueryParameters.percentEncode(channel)).append('/')
                .append(QueryParameters.percentEncode(playlistName)).toString();
    }

    private String hostName(OssRequest request) {
        String name = request.target().hostName();
        return name.isEmpty() ? config.domains().get(0) : name;
    }
}
