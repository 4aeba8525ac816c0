package io.livechannel.hls;

import io.livechannel.ts.PesPayload;
import io.netty.buffer.ByteBuf;

/**
 * Where a {@link HlsPackager} delivers its work; implemented by the server, which stores the objects and the
 * counters. Called on the packager's thread (the publish session's event loop): implementations must not block,
 * only hand off (for example to the {@code storage-io} executor).
 *
 * <p>Order per segment: {@link #segmentReady} then {@link #playlistReady}; the implementation must store the
 * segment before the playlist that lists it (research §0.8).
 */
public interface HlsOutput {
    /**
     * A segment is finished.
     *
     * @param tsData the segment's bytes (readable bytes, {@code segment.sizeBytes()} of them), one contiguous buffer
     *               from the packager's allocator ({@code nioBufferCount() == 1}). Ownership moves to the callee at
     *               the call: it releases the buffer on every path, including when it throws.
     * @return true when the segment was accepted for storing; false when it was refused at once (for example a
     *         full write backlog): the packager then leaves it out of the playlist, so players are never sent to an
     *         object that will not exist, and marks the next segment as a discontinuity (there is a hole in the
     *         timeline). A refusal is the callee's to report (log, metrics); the packager does not call
     *         {@link #playlistReady} for a refused segment, except with the final {@code #EXT-X-ENDLIST} playlist.
     */
    boolean segmentReady(SegmentInfo segment, ByteBuf tsData);

    /**
     * The live playlist changed: after every segment, and once more with {@code #EXT-X-ENDLIST} at the end.
     *
     * @param objectKey          {@code <channel>/<playlistName>}
     * @param m3u8Text           the whole playlist
     * @param countersToPersist  the counters to store with the channel and pass to the next publish's packager
     */
    void playlistReady(String objectKey, String m3u8Text, PlaylistState countersToPersist);

    /**
     * An IDR access unit was packaged (for snapshots). {@code accessUnit} is its Annex B form as written into the
     * segment: access unit delimiter, the SPS and PPS in effect, then its NAL units; it references the RTMP message
     * and is readable only during this call, so an implementation copies what it keeps ({@link PesPayload#copyTo}).
     * Default: ignore.
     *
     * @param dtsMillis the frame's decode time on the publish's continuous media timeline (milliseconds)
     */
    default void keyframePackaged(long dtsMillis, PesPayload accessUnit) {
    }

    /** A tag was skipped; for metrics (counted per reason) and rate-limited DEBUG logs. Default: ignore. */
    default void unitDropped(DropReason reason, String detail) {
    }
}
