package io.livechannel.rtmp;

import java.time.Duration;
import java.util.Objects;

/**
 * Every limit of the RTMP ingest, in one place, with the reason for each default.
 *
 * <table>
 *   <caption>limits and defaults</caption>
 *   <tr><th>component</th><th>default</th><th>why</th></tr>
 *   <tr><td>maxMessageSizeBytes</td><td>{@value #DEFAULT_MAX_MESSAGE_SIZE_BYTES}</td>
 *       <td>an H.264 keyframe at 50 Mbit/s with a 1 s GOP rarely exceeds 4 MiB; twice that leaves room</td></tr>
 *   <tr><td>maxChunkStreams</td><td>{@value #DEFAULT_MAX_CHUNK_STREAMS}</td>
 *       <td>ffmpeg, OBS and GStreamer use at most 6 chunk stream ids</td></tr>
 *   <tr><td>maxBufferedBytesPerConnection</td><td>{@value #DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION}</td>
 *       <td>partial messages across all chunk streams of a publishing connection: one keyframe plus interleaved
 *       audio</td></tr>
 *   <tr><td>maxBytesBeforeAdmission</td><td>{@value #DEFAULT_MAX_BYTES_BEFORE_ADMISSION}</td>
 *       <td>what a connection may hold before its publish is admitted (partial messages, unread input, media
 *       sent ahead of Publish.Start): the connect-to-publish commands take about 1 KB, and reading stops while
 *       the publish is authorized, so more is only an unauthenticated peer making the server hold memory</td></tr>
 *   <tr><td>maxBytesBeforeAdmissionTotal</td><td>{@value #DEFAULT_MAX_BYTES_BEFORE_ADMISSION_TOTAL}</td>
 *       <td>the same, for all such connections together: 256 connections at the per-connection limit</td></tr>
 *   <tr><td>maxChunkSizeBytes</td><td>{@value #DEFAULT_MAX_CHUNK_SIZE_BYTES}</td>
 *       <td>RTMP spec §5.4.1 caps chunk size at 0xFFFFFF (a message can be no longer)</td></tr>
 *   <tr><td>handshakeTimeout</td><td>10 s</td><td>the rule; a stalled handshake holds a socket</td></tr>
 *   <tr><td>admissionTimeout</td><td>15 s</td><td>from the connection's start (or the end of its last publish)
 *       to an admitted publish: encoders publish within a second or two of connecting, and a peer that trickles
 *       bytes must not hold a socket</td></tr>
 *   <tr><td>readIdleTimeout</td><td>30 s</td><td>a connection that sends nothing at all is closed</td></tr>
 *   <tr><td>idlePublisherTimeout</td><td>5 s</td><td>a publisher that sent nothing for this long is
 *       replaced by a new one for the same channel (encoder reconnects must not be locked out)</td></tr>
 *   <tr><td>maxAmfDepth</td><td>{@value #DEFAULT_MAX_AMF_DEPTH}</td>
 *       <td>commands nest 2 levels; deep nesting is only a stack-exhaustion attack</td></tr>
 * </table>
 */
public record RtmpLimits(
        int maxMessageSizeBytes,
        int maxChunkStreams,
        int maxBufferedBytesPerConnection,
        int maxChunkSizeBytes,
        Duration handshakeTimeout,
        Duration readIdleTimeout,
        Duration idlePublisherTimeout,
        int maxAmfDepth,
        Duration readBatchHold,
        int maxBytesBeforeAdmission,
        long maxBytesBeforeAdmissionTotal,
        Duration admissionTimeout) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE_BYTES = 8 * 1024 * 1024;
    public static final int DEFAULT_MAX_CHUNK_STREAMS = 64;
    public static final int DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_CHUNK_SIZE_BYTES = 0xFFFFFF;
    public static final int DEFAULT_MAX_BYTES_BEFORE_ADMISSION = 256 * 1024;
    public static final long DEFAULT_MAX_BYTES_BEFORE_ADMISSION_TOTAL = 64L * 1024 * 1024;
    public static final Duration DEFAULT_ADMISSION_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_PUBLISHER_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_AMF_DEPTH = 16;
    /**
     * 100 ms: at 500 publishers the event loops used 20 s of CPU per 80 s against 25 s at 40 ms (issue 9); cuts
     * are not delayed, as the mark stays under half a keyframe ({@code ReadBatching}).
     */
    public static final Duration DEFAULT_READ_BATCH_HOLD = Duration.ofMillis(100);
    /**
     * Longer holds save little more (the reads are already few), and a publisher that pauses is read only after
     * two and a half holds.
     */
    public static final Duration MAX_READ_BATCH_HOLD = Duration.ofMillis(500);

    public RtmpLimits {
        positive("maxMessageSizeBytes", maxMessageSizeBytes);
        positive("maxChunkStreams", maxChunkStreams);
        positive("maxBufferedBytesPerConnection", maxBufferedBytesPerConnection);
        positive("maxAmfDepth", maxAmfDepth);
        positive("maxBytesBeforeAdmission", maxBytesBeforeAdmission);
        if (maxBytesBeforeAdmissionTotal < maxBytesBeforeAdmission) {
            throw new IllegalArgumentException("maxBytesBeforeAdmissionTotal " + maxBytesBeforeAdmissionTotal
                    + " is below maxBytesBeforeAdmission " + maxBytesBeforeAdmission);
        }
        positive("admissionTimeout", admissionTimeout);
        if (maxChunkSizeBytes < 1 || maxChunkSizeBytes > DEFAULT_MAX_CHUNK_SIZE_BYTES) {
            throw new IllegalArgumentException("maxChunkSizeBytes must be in [1, 16777215]: " + maxChunkSizeBytes);
        }
        positive("handshakeTimeout", handshakeTimeout);
        positive("readIdleTimeout", readIdleTimeout);
        positive("idlePublisherTimeout", idlePublisherTimeout);
        Objects.requireNonNull(readBatchHold, "readBatchHold");
        if (readBatchHold.isNegative() || readBatchHold.compareTo(MAX_READ_BATCH_HOLD) > 0) {
            throw new IllegalArgumentException("readBatchHold must be in [0, " + MAX_READ_BATCH_HOLD.toMillis()
                    + " ms]: " + readBatchHold.toMillis() + " ms");
        }
    }

    /** The defaults of the table above. */
    public static RtmpLimits defaults() {
        return new RtmpLimits(DEFAULT_MAX_MESSAGE_SIZE_BYTES, DEFAULT_MAX_CHUNK_STREAMS,
                DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION, DEFAULT_MAX_CHUNK_SIZE_BYTES, DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_READ_IDLE_TIMEOUT, DEFAULT_IDLE_PUBLISHER_TIMEOUT, DEFAULT_MAX_AMF_DEPTH,
                DEFAULT_READ_BATCH_HOLD, DEFAULT_MAX_BYTES_BEFORE_ADMISSION, DEFAULT_MAX_BYTES_BEFORE_ADMISSION_TOTAL,
                DEFAULT_ADMISSION_TIMEOUT);
    }

    public RtmpLimits withMaxMessageSizeBytes(int value) {
        return new RtmpLimits(value, maxChunkStreams, maxBufferedBytesPerConnection, maxChunkSizeBytes,
                handshakeTimeout, readIdleTimeout, idlePublisherTimeout, maxAmfDepth, readBatchHold,
                maxBytesBeforeAdmission, maxBytesBeforeAdmissionTotal, admissionTimeout);
    }

    public RtmpLimits withIdlePublisherTimeout(Duration value) {
        return new RtmpLimits(maxMessageSizeBytes, maxChunkStreams, maxBufferedBytesPerConnection, maxChunkSizeBytes,
                handshakeTimeout, readIdleTimeout, value, maxAmfDepth, readBatchHold,
                maxBytesBeforeAdmission, maxBytesBeforeAdmissionTotal, admissionTimeout);
    }

    public RtmpLimits withHandshakeTimeout(Duration value) {
        return new RtmpLimits(maxMessageSizeBytes, maxChunkStreams, maxBufferedBytesPerConnection, maxChunkSizeBytes,
                value, readIdleTimeout, idlePublisherTimeout, maxAmfDepth, readBatchHold,
                maxBytesBeforeAdmission, maxBytesBeforeAdmissionTotal, admissionTimeout);
    }

    public RtmpLimits withReadBatchHold(Duration value) {
        return new RtmpLimits(maxMessageSizeBytes, maxChunkStreams, maxBufferedBytesPerConnection, maxChunkSizeBytes,
                handshakeTimeout, readIdleTimeout, idlePublisherTimeout, maxAmfDepth, value,
                maxBytesBeforeAdmission, maxBytesBeforeAdmissionTotal, admissionTimeout);
    }

    /** The three limits on connections whose publish is not admitted yet. */
    public RtmpLimits withBeforeAdmission(int bytes, long totalBytes, Duration timeout) {
        return new RtmpLimits(maxMessageSizeBytes, maxChunkStreams, maxBufferedBytesPerConnection, maxChunkSizeBytes,
                handshakeTimeout, readIdleTimeout, idlePublisherTimeout, maxAmfDepth, readBatchHold, bytes,
                totalBytes, timeout);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }
}
