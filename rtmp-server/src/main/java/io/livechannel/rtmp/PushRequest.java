package io.livechannel.rtmp;

import io.livechannel.rtmp.session.PushUrl;
import java.util.Objects;

/**
 * What a publisher asked for, as received: the parsed push URL, the raw tcUrl of its {@code connect} and the
 * peer address ({@code ip:port}).
 *
 * <p>Log only {@link PushUrl#toString()} (which hides the signature and key id), never {@code tcUrl}: it may
 * carry the signed query.
 */
public record PushRequest(PushUrl url, String tcUrl, String remoteAddress) {
    public PushRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tcUrl, "tcUrl");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
    }

    @Override
    public String toString() {
        return "PushRequest[url=" + url + ", remoteAddress=" + remoteAddress + "]";
    }
}
