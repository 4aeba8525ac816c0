package io.livechannel.bench.load;

/** Why a publisher did not publish for its whole run. */
public enum FailureReason {
    /** TCP connect failed or timed out. */
    CONNECT_FAILED,
    /** The server answered {@code _error} to connect, or closed before answering. */
    CONNECT_REJECTED,
    /** createStream got {@code _error} or no stream id. */
    CREATE_STREAM_REJECTED,
    /** publish got an onStatus other than {@code NetStream.Publish.Start}. */
    PUBLISH_REJECTED,
    /** No {@code NetStream.Publish.Start} within the setup timeout. */
    SETUP_TIMEOUT,
    /** The connection closed or failed while publishing, before the run's end. */
    CLOSED_WHILE_PUBLISHING,
    /** A protocol error decoding the server's bytes. */
    PROTOCOL_ERROR
}
