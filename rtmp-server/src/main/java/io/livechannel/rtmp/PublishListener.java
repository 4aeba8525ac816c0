package io.livechannel.rtmp;

/**
 * Receives every publish that was authorized and admitted (one publisher per channel). Implemented by the
 * server, which feeds the HLS packager.
 *
 * <p>Threading: called on the publishing connection's event loop; must not block it.
 */
@FunctionalInterface
public interface PublishListener {
    /**
     * A publish starts: the client got {@code NetStream.Publish.Start}. Any previous publisher of the same channel
     * has already had its {@link MediaSink#onPublishEnd} delivered.
     *
     * @return the sink that gets this publish's frames and, exactly once, its end
     */
    MediaSink onPublishStart(PublishSessionInfo info);
}
