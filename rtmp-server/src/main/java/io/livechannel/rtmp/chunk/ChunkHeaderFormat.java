package io.livechannel.rtmp.chunk;

/** The chunk message header formats, the {@code fmt} bits of the basic header (RTMP spec §5.3.1.2). */
enum ChunkHeaderFormat {
    /** Type 0: timestamp, length, type id, message stream id (11 bytes). */
    FULL(11),
    /** Type 1: timestamp delta, length, type id (7 bytes); same message stream. */
    SAME_STREAM(7),
    /** Type 2: timestamp delta only (3 bytes). */
    DELTA_ONLY(3),
    /** Type 3: nothing; a continuation chunk, or a new message identical in shape to the previous one. */
    CONTINUATION(0);

    private static final ChunkHeaderFormat[] BY_FMT = values();
    private final int headerLength;

    ChunkHeaderFormat(int headerLength) {
        this.headerLength = headerLength;
    }

    int headerLength() {
        return headerLength;
    }

    static ChunkHeaderFormat of(int fmt) {
        return BY_FMT[fmt];
    }
}
